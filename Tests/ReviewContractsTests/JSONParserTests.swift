import Foundation
import Testing
@testable import ReviewContracts

@Suite struct ValidDocuments {
    static let corpus: [String] = [
        sampleMessage,
        #"{}"#, #"[]"#, #" [ ] "#, #"{"a":{}}"#, #"[[],[[]],{}]"#,
        #"{"a":1,"b":[1,2,3],"c":{"d":null,"e":"f"}}"#,
        "\t\n\r {\"x\" : [ 1 , \"two\" , { \"three\" : 3 } ] } \n",
        #"["", "a", "ascii only", "caf\u00e9", "CAF\u00C9", "raw café ☕ 😀", "\u0000", "\u001f"]"#,
        #"["\"", "\\", "\/", "\b", "\f", "\n", "\r", "\t", "a\"b\\c\/d\be\ff\ng\rh\ti"]"#,
        #"["\ud83d\ude00", "\uD83D\uDE00", "x\ud834\udd1ey", "\u20ac\u00a2\uffff\u0800\u07ff\u0080\u007f"]"#,
        #"[0, -0, 1, -1, 42, 9007199254740993, 123456789012345, -999999999999999]"#,
        #"[0.5, -0.25, 3.14159, 1e10, 1E10, 1e+10, 1e-10, 2.5E-3, 6.02214076e23, 1.7976931348623157e308]"#,
        #"[5e-324, 2.2250738585072014e-308, 1e-400, 0.1, 0.3, 123456789012345678901234567890, 1.000000000000000000001]"#,
        #"[true, false, null, [true], {"t": false}]"#,
        #"{"dup":1,"dup":2}"#,
        "\"top-level string\"", "12", "-3.5", "true", "false", "null",
        String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth),
    ]

    @Test(arguments: corpus)
    func agreesWithFoundation(_ text: String) throws {
        let ours = try parse(text)
        let theirs = try #require(foundationParse(Array(text.utf8)), "Foundation rejects \(text)")
        #expect(matches(ours, theirs), "\(ours)")
    }

    @Test func sampleMessageValues() throws {
        guard case .object(let m) = try parse(sampleMessage) else { Issue.record("not an object"); return }
        #expect(m["id"] == .string("r123"))
        #expect(m["overall"] == .number(4))
        #expect(m["summary"] == .string("Nice"))
        #expect(m["tags"] == .array([.string("gift"), .null, .bool(true), .bool(false), .number(-1500)]))
        #expect(m["meta"] == .object(["votes": .number(0), "ratio": .number(0.25)]))
        guard case .string(let text) = m["reviewText"] else { Issue.record("no reviewText"); return }
        #expect(text.hasPrefix("I bought this for my daughter and she said \"it's the best\" – the café scene"))
        #expect(text.hasSuffix("stories 😀."))
    }

    @Test func escapesAndSurrogates() throws {
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse(#""\u00e9\u00E9""#) == .string("éé"))
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parse(#""a\u0041b""#) == .string("aAb"))
        #expect(try parse(#""\ud800\udc00\udbff\udfff\uFFFF""#) == .string("\u{10000}\u{10FFFF}\u{FFFF}"))
        // Escapes straddling the 8-byte scanning blocks.
        for pad in 0 ..< 17 {
            let p = String(repeating: "x", count: pad)
            #expect(try parse("\"\(p)\\n\(p)\\ud83d\\ude00\(p)\"") == .string("\(p)\n\(p)😀\(p)"))
            #expect(try parse("\"\(p)\"") == .string(p))
        }
    }

    @Test func boolsAreNotNumbers() throws {
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("1") == .number(1))
        #expect(try parse("0") == .number(0))
        #expect(try parse("[1,0,true,false]") == .array([.number(1), .number(0), .bool(true), .bool(false)]))
    }

    @Test func duplicateKeysLastWins() throws {
        #expect(try parse(#"{"a":1,"b":2,"a":3}"#) == .object(["a": .number(3), "b": .number(2)]))
    }

    @Test func negativeZeroKeepsItsSign() throws {
        guard case .number(let d) = try parse("-0") else { Issue.record("not a number"); return }
        #expect(d == 0 && d.sign == .minus)
    }

    /// The fast float path must round exactly like the standard library's conversion.
    @Test func numbersConvertExactly() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0 ..< 20_000 {
            var text = Bool.random(using: &rng) ? "-" : ""
            let intDigits = Int.random(in: 1 ... 20, using: &rng)
            text += String(Int.random(in: 1 ... 9, using: &rng))
            for _ in 1 ..< intDigits { text += String(Int.random(in: 0 ... 9, using: &rng)) }
            if Bool.random(using: &rng) { text = text.hasPrefix("-") ? "-0" : "0" }
            if Bool.random(using: &rng) {
                text += "."
                for _ in 0 ..< Int.random(in: 1 ... 20, using: &rng) { text += String(Int.random(in: 0 ... 9, using: &rng)) }
            }
            if Bool.random(using: &rng) {
                text += ["e", "E", "e+", "e-", "E-"].randomElement(using: &rng)!
                text += String(Int.random(in: 0 ... 40, using: &rng))
            }
            let expected = try #require(Double(text))
            #expect(try parse(text) == .number(expected), "\(text)")
        }
    }

    @Test func largeInputs() throws {
        let big = String(repeating: "abcdefgh", count: 131_072)  // 1 MB
        #expect(try parse("\"\(big)\"") == .string(big))
        let escaped = String(repeating: "ab\\n\\u00e9", count: 100_000)
        #expect(try parse("[\"\(escaped)\"]") == .array([.string(String(repeating: "ab\né", count: 100_000))]))
        let spaces = String(repeating: " \n\t\r", count: 250_000)
        #expect(try parse(spaces + "true" + spaces) == .bool(true))
        // Huge numbers take the slow path: exact where representable, an error where not.
        #expect(try parse("0." + String(repeating: "0", count: 1_000_000) + "1") == .number(0))
        #expect(try parse("1" + String(repeating: "0", count: 300)) == .number(1e300))
        #expect(rejects("1" + String(repeating: "0", count: 1_000_000)))
        #expect(try parse(String(repeating: "1", count: 1_000_000) + ".5e-999999999999999") == .number(0))
    }

    /// Containers wider than the parser's initial scratch space, and errors after it has grown.
    @Test func wideContainers() throws {
        let numbers = (0 ..< 1000).map { JSONValue.number(Double($0)) }
        #expect(try parse("[" + (0 ..< 1000).map(String.init).joined(separator: ",") + "]") == .array(numbers))

        let members = (0 ..< 1000).map { ("k\($0)", JSONValue.string("v\($0) with some longer text")) }
        let text = "{" + members.map { #""\#($0.0)":"\#($0.1.stringValue!)""# }.joined(separator: ",") + "}"
        #expect(try parse(text) == .object(Dictionary(uniqueKeysWithValues: members)))

        let nested = "[" + (0 ..< 50).map { _ in "[" + (0 ..< 40).map { #""s\#($0) long enough to be on the heap""# }.joined(separator: ",") + "]" }.joined(separator: ",") + "]"
        guard case .array(let outer) = try parse(nested) else { Issue.record("not an array"); return }
        #expect(outer.count == 50 && outer.allSatisfy { if case .array(let a) = $0 { a.count == 40 } else { false } })

        // Errors with many values pending, so they must be cleaned up.
        #expect(rejects(String(text.dropLast()) + ",}"))
        #expect(rejects(String(nested.dropLast(2)) + "x]]"))
    }

    @Test func unsafeBufferEntryPoint() throws {
        let bytes = Array(#"{"k":[1]}"#.utf8)
        let value = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in try JSONParser.parse(buffer) }
        #expect(value == .object(["k": .array([.number(1)])]))
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(UnsafeBufferPointer(start: nil, count: 0)) }
    }
}

extension JSONValue {
    var stringValue: String? { if case .string(let s) = self { s } else { nil } }
}

@Suite struct MalformedDocuments {
    static let cases: [String] = [
        // structure
        "", " ", "\n\t", "[1,]", #"{"a":1,}"#, "[1 2]", #"{"a":1 "b":2}"#, "[,1]", "[1,,2]", "{,}", "[", "]", "{", "}",
        #"{"a"}"#, #"{"a" 1}"#, #"{"a":}"#, "{1:2}", "{a:1}", "{'a':1}", "['a']", #"{"a":1}}"#, "[1]]", "[1}", #"{"a":1]"#,
        "[1] x", "[1] [2]", "1 2", "[1]\u{0C}", "\u{0C}[1]", "\u{A0}[1]", "\u{FEFF}[1]", "[1]\0", "//c\n[1]", "/*c*/[1]",
        // literals
        "tru", "True", "nul", "nulll", "[falsey]", "[null1]", "[1true]", "undefined",
        // numbers
        "01", "-01", "00", "+1", ".5", "1.", "-", "-.5", "1.e3", "1e", "1e+", "1E-", "0x10", "1_000", "NaN", "-NaN",
        "Infinity", "-Infinity", "inf", "1e400", "-1e400", "[1e309]", "[123e99999999999]", "- 1", "1.5.2", "--1",
        // strings
        #""abc"#, "\"", #""\""#, #""\x41""#, #""\U0041""#, #""\a""#, #""\'""#, #""\0""#, "\"\\\u{1}\"",
        "\"a\u{01}b\"", "\"tab\there\"", "\"new\nline\"", "\"\u{1F}\"",
        #""\u12""#, #""\u00G0""#, #""\u""#, #""\u123"#,
        #""\ud800""#, #""\udc00""#, #""\udc00\ud800""#, #""\ud800\u0041""#, #""\ud800\n""#, #""\ud83d""#, #""\ud83d\ude0""#,
        #""\ud83d\ud83d""#, #""\ud83dx\ude00""#,
        // depth
        String(repeating: "[", count: JSONParser.maxDepth + 1) + String(repeating: "]", count: JSONParser.maxDepth + 1),
        String(repeating: #"{"a":"#, count: JSONParser.maxDepth + 1) + "1" + String(repeating: "}", count: JSONParser.maxDepth + 1),
    ]

    @Test(arguments: cases)
    func rejected(_ text: String) {
        #expect(rejects(text), "\(text.debugDescription) accepted: \((try? parse(text)).map { "\($0)" } ?? "")")
    }

    @Test func everyPrefixOfAValidDocumentIsRejected() throws {
        let bytes = Array(sampleMessage.utf8)
        _ = try JSONParser.parse(bytes)
        for n in 0 ..< bytes.count {
            #expect(rejects(Array(bytes[..<n])), "prefix of length \(n)")
        }
    }

    @Test func errorMessagesNameTheProblemAndOffset() {
        func reason(_ text: String) -> String {
            do { _ = try parse(text); return "accepted" } catch { return error.description }
        }
        #expect(reason(#"{"a":1,"b":[1,2,}"#) == "unexpected character '}' at byte 16")
        #expect(reason(#"{"a":1"#) == "unexpected end of input at byte 6")
        #expect(reason("[01]") == "leading zero in number at byte 1")
        #expect(reason("[1e400]") == "number out of range at byte 1")
        #expect(reason(#"["\ud800"]"#) == "unpaired surrogate in \\u escape at byte 2")
        #expect(reason(#"["\q"]"#) == "invalid escape character 'q' at byte 2")
        #expect(reason("[\"a\u{01}\"]") == "unescaped control character byte 0x01 in string at byte 3")
        #expect(reason("[1] x") == "unexpected character 'x' at byte 4")
        #expect(reason("") == "unexpected end of input at byte 0")
        #expect(reason(String(repeating: "[", count: JSONParser.maxDepth + 1)) == "nesting deeper than \(JSONParser.maxDepth) at byte \(JSONParser.maxDepth)")
    }

    @Test func hostileNestingDoesNotOverflowTheStack() {
        #expect(rejects(String(repeating: "[", count: 1_000_000)))
        #expect(rejects(String(repeating: #"{"":"#, count: 1_000_000)))
        #expect(rejects(String(repeating: "[{\"a\":", count: 300_000)))
    }
}
