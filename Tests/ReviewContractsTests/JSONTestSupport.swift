import Foundation
@testable import ReviewContracts

/// Parses a Swift string's UTF-8 with the parser under test.
func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
    try JSONParser.parse(Array(text.utf8))
}

/// True if `text` is rejected, with a reason that mentions a byte offset.
func rejects(_ text: String) -> Bool {
    rejects(Array(text.utf8))
}

func rejects(_ bytes: [UInt8]) -> Bool {
    do {
        _ = try JSONParser.parse(bytes)
        return false
    } catch {
        return error.description.contains(" at byte ")
    }
}

/// Foundation's verdict; fragments allowed because our parser accepts scalars at the top level.
func foundationParse(_ bytes: [UInt8]) -> Any? {
    try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
}

/// Whether our tree and Foundation's object graph describe the same document.
/// Guided by our side, because Foundation's NSNumber cannot tell `true` from `1` portably.
func matches(_ ours: JSONValue, _ theirs: Any) -> Bool {
    switch ours {
    case .null:
        return theirs is NSNull
    case .bool(let b):
        return (theirs as? Bool) == b
    case .number(let d):
        guard let n = theirs as? NSNumber else { return false }
        let t = n.doubleValue
        // Foundation keeps big integers as Decimal, whose conversion to Double can be off by an ulp.
        return t == d || abs(t - d) <= abs(d) * 1e-15
    case .string(let s):
        return (theirs as? String) == s
    case .array(let elements):
        guard let other = theirs as? [Any], other.count == elements.count else { return false }
        return zip(elements, other).allSatisfy { matches($0, $1) }
    case .object(let members):
        guard let other = theirs as? [String: Any], other.count == members.count else { return false }
        return members.allSatisfy { key, value in other[key].map { matches(value, $0) } ?? false }
    }
}

/// Deterministic generator so that fuzz failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A realistic stream message, as in production.
let sampleMessage = #"""
{"id":"r123","reviewText":"I bought this for my daughter and she said \"it's the best\" \u2013 the caf\u00e9 scene is lovely. Shipping was quick; the box was a bit dented but the book itself was fine. Would recommend to anyone who likes slow, thoughtful stories \ud83d\ude00.","overall":4,"summary":"Nice","itemId":"1078","submittedAt":"2026-12-01T10:00:00Z","tags":["gift",null,true,false,-1.5e3],"meta":{"votes":0,"ratio":0.25}}
"""#
