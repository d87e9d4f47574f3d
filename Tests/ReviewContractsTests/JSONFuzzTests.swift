import Foundation
import Testing
@testable import ReviewContracts

/// Random and mutated inputs: the parser must never crash, and on valid UTF-8 its verdict must
/// match Foundation's, except where Foundation is knowingly lenient:
///  - trailing commas in arrays and objects (`[1,]`, `{"a":1,}`);
///  - a leading UTF-8 byte order mark (`EF BB BF`) before the value;
///  - encoding sniffing: a NUL byte among the first four makes it decode UTF-16/UTF-32, so `8\0`
///    or `[\01\0]\0` are accepted, and an odd trailing byte is silently dropped (`1\02` is `1`).
///    A raw NUL can never appear in valid JSON, so rejecting these is correct.
/// (Invalid UTF-8 is not compared: the caller guarantees valid UTF-8, which Foundation checks itself.)
@Suite struct Fuzz {
    static let seeds: [String] = [
        sampleMessage,
        #"{"a":[1,-2.5e3,{"b":null}],"c":"x\u00e9\"y","d":true,"e":false}"#,
        #"[0,1.5,"\ud83d\ude00",[],{},[[1]],{"k":{"k":[]}}]"#,
    ]

    /// Bytes that matter to the grammar, so mutations hit interesting states more often than random bytes.
    static let alphabet = Array(#"{}[]:,"\ \/ubfnrt0123456789-+.eEaslxD8dc"#.utf8) + [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0xC3, 0xA9]

    /// Raise with `FUZZ_ITERATIONS=1000000 swift test` for a longer hunt; `FUZZ_SEED` varies the inputs.
    static let iterations = ProcessInfo.processInfo.environment["FUZZ_ITERATIONS"].flatMap(Int.init) ?? 20_000
    static let seed = ProcessInfo.processInfo.environment["FUZZ_SEED"].flatMap(UInt64.init) ?? 0

    enum Verdict: Equatable { case agree, leniency(String), disagree(String) }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: Self.seed &+ 1)
        for i in 0 ..< Self.iterations {
            let length = Int.random(in: 0 ... 64, using: &rng)
            let bytes: [UInt8]
            if i % 2 == 0 {
                bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            } else {
                bytes = (0 ..< length).map { _ in Self.alphabet.randomElement(using: &rng)! }
            }
            if case .disagree(let why) = Self.compare(bytes) { Issue.record("\(why): \(Self.show(bytes))") }
        }
    }

    @Test func mutatedDocumentsAgreeWithFoundation() {
        var rng = SplitMix64(seed: Self.seed &+ 2)
        var leniencies: [String: Int] = [:], rejected = 0
        for i in 0 ..< Self.iterations {
            var bytes = Array(Self.seeds[i % Self.seeds.count].utf8)
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) {
                Self.mutate(&bytes, using: &rng)
            }
            switch Self.compare(bytes) {
            case .agree: break
            case .leniency(let kind): leniencies[kind, default: 0] += 1
            case .disagree(let why): Issue.record("\(why): \(Self.show(bytes))")
            }
            if rejects(bytes) { rejected += 1 }
        }
        print("mutations: rejected \(rejected) of \(Self.iterations), Foundation leniencies \(leniencies)")
        // Sanity: the mutations must exercise both outcomes.
        #expect(rejected > Self.iterations / 2 && rejected < Self.iterations * 99 / 100, "rejected \(rejected)")
        #expect(leniencies["trailing comma", default: 0] > 0, "\(leniencies)")
    }

    static func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
        let randomByte = { (rng: inout SplitMix64) -> UInt8 in
            Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0 ... 255, using: &rng)
        }
        guard !bytes.isEmpty else { bytes.append(randomByte(&rng)); return }
        let at = Int.random(in: 0 ..< bytes.count, using: &rng)
        switch Int.random(in: 0 ..< 6, using: &rng) {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(randomByte(&rng), at: at)
        case 2: bytes[at] = randomByte(&rng)
        case 3: bytes.removeSubrange(at...)
        case 4:  // duplicate a short range, e.g. a comma-separated element
            let end = min(bytes.count, at + Int.random(in: 1 ... 12, using: &rng))
            bytes.insert(contentsOf: bytes[at ..< end], at: end)
        default:  // remove a short range
            bytes.removeSubrange(at ..< min(bytes.count, at + Int.random(in: 1 ... 8, using: &rng)))
        }
    }

    /// Compares verdicts and, when both accept, the values.
    static func compare(_ bytes: [UInt8]) -> Verdict {
        let ours = try? JSONParser.parse(bytes)
        guard String(validating: bytes, as: UTF8.self) != nil else { return .agree }
        let theirs = foundationParse(bytes)
        switch (ours, theirs) {
        case (nil, nil): return .agree
        case (let ours?, let theirs?):
            return matches(ours, theirs) ? .agree : .disagree("different values \(ours)")
        case (nil, _?):
            if bytes.prefix(4).contains(0) { return .leniency("encoding sniffing") }
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return .leniency("byte order mark") }
            return (try? JSONParser.parse(withoutTrailingCommas(bytes))) != nil
                ? .leniency("trailing comma") : .disagree("only Foundation accepts")
        case (_?, nil):
            return .disagree("only we accept")
        }
    }

    /// The document with commas before `]` or `}` (outside strings) removed.
    static func withoutTrailingCommas(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false, escaped = false
        for (i, b) in zip(input.indices, input) {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: ",") {
                let next = input[(i + 1)...].first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
                if next == UInt8(ascii: "]") || next == UInt8(ascii: "}") { continue }
            }
            out.append(b)
        }
        return out
    }

    static func show(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).debugDescription
    }
}
