/// A strict RFC 8259 parser tuned for small documents (a few KB at most) parsed at high rates.
///
/// It works directly on the caller's bytes: strings without escapes are created straight from
/// the input slice, and nothing is bridged or boxed beyond the `JSONValue` tree itself.
/// It never traps on malformed input; nesting is bounded by `maxDepth`, so recursion is too.
enum JSONParser {
    /// Deeper documents are rejected so that hostile input cannot exhaust the stack (review messages are flat; 64
    /// levels stay within a debug build's thread stack too).
    static let maxDepth = 64

    /// Parses exactly one JSON value (RFC 8259) from UTF-8 bytes, with optional surrounding whitespace.
    /// The caller has already checked the bytes are valid UTF-8.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONSyntaxError(description: "unexpected end of input at byte 0")
        }
        // Scratch space for containers' contents; on the stack, so typical messages need no heap for it.
        return try withUnsafeTemporaryAllocation(of: String.self, capacity: 32) { (keys) throws(JSONSyntaxError) in
            try withUnsafeTemporaryAllocation(of: JSONValue.self, capacity: 32) { (values) throws(JSONSyntaxError) in
                var reader = Reader(base: base, count: bytes.count, keys: keys, values: values)
                defer { reader.releaseScratch() }
                reader.skipWhitespace()
                let value = try reader.parseValue(depth: 0)
                reader.skipWhitespace()
                guard reader.pos == reader.count else { throw reader.unexpected() }
                return value
            }
        }
    }

    /// Parses exactly one JSON value (RFC 8259) from UTF-8 bytes, with optional surrounding whitespace.
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in try parse(buffer) }
    }
}

// MARK: - Byte constants

private extension UInt8 {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")

    @inline(__always) var isDigit: Bool { self &- .zero < 10 }
}

/// Powers of ten that are exact in a `Double`; the limit of the fast float path (Clinger).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

// MARK: - Reader

/// Cursor over the input. Every read is preceded by an explicit `pos < count` check.
private struct Reader {
    let base: UnsafePointer<UInt8>
    let count: Int
    var pos = 0

    /// Keys, and values or elements, of the containers being parsed, innermost last. Collecting them
    /// first lets each dictionary and array be allocated once at its final size instead of growing
    /// (and, for dictionaries, rehashing every key) several times.
    var pendingKeys: ScratchStack<String>
    var pendingValues: ScratchStack<JSONValue>

    init(base: UnsafePointer<UInt8>, count: Int, keys: UnsafeMutableBufferPointer<String>,
         values: UnsafeMutableBufferPointer<JSONValue>) {
        self.base = base
        self.count = count
        pendingKeys = ScratchStack(storage: keys)
        pendingValues = ScratchStack(storage: values)
    }

    /// Destroys what an error left pending and frees any heap the scratch stacks grew into.
    mutating func releaseScratch() {
        pendingKeys.release()
        pendingValues.release()
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < count {
            let b = base[pos]
            // Everything above the space character ends the run; checked first as the common case.
            guard b <= 0x20, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard pos < count else { throw unexpected() }
        switch base[pos] {
        case .quote:
            return .string(try parseString())
        case .openBrace:
            return try parseObject(depth: depth + 1)
        case .openBracket:
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "t"):
            try consume("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try consume("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try consume("null")
            return .null
        case .minus, .zero ... .nine:
            return .number(try parseNumber())
        default:
            throw unexpected()
        }
    }

    // MARK: Containers

    @inline(never)  // keeps the recursive frames small
    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= JSONParser.maxDepth else { throw tooDeep() }
        pos += 1  // {
        skipWhitespace()
        if pos < count, base[pos] == .closeBrace {
            pos += 1
            return .object([:])
        }
        let firstKey = pendingKeys.count, firstValue = pendingValues.count
        while true {
            guard pos < count, base[pos] == .quote else { throw unexpected() }
            let key = try parseString()
            skipWhitespace()
            guard pos < count, base[pos] == .colon else { throw unexpected() }
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            pendingKeys.push(key)
            pendingValues.push(value)
            skipWhitespace()
            guard pos < count else { throw unexpected() }
            switch base[pos] {
            case .comma:
                pos += 1
                skipWhitespace()
            case .closeBrace:
                pos += 1
                return .object(takeMembers(firstKey: firstKey, firstValue: firstValue))
            default:
                throw unexpected()
            }
        }
    }

    @inline(never)  // keeps the recursive frames small
    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth <= JSONParser.maxDepth else { throw tooDeep() }
        pos += 1  // [
        skipWhitespace()
        if pos < count, base[pos] == .closeBracket {
            pos += 1
            return .array([])
        }
        let first = pendingValues.count
        while true {
            let value = try parseValue(depth: depth)
            pendingValues.push(value)
            skipWhitespace()
            guard pos < count else { throw unexpected() }
            switch base[pos] {
            case .comma:
                pos += 1
                skipWhitespace()
            case .closeBracket:
                pos += 1
                return .array(takeElements(first: first))
            default:
                throw unexpected()
            }
        }
    }

    /// Moves the innermost object's members from the scratch stacks into a dictionary.
    @inline(never)  // keeps the recursive frames small
    mutating func takeMembers(firstKey: Int, firstValue: Int) -> [String: JSONValue] {
        let n = pendingKeys.count - firstKey
        let keys = pendingKeys.pop(from: firstKey), values = pendingValues.pop(from: firstValue)
        // Duplicate keys: the last one wins.
        return Dictionary(MovingPairs(keys: keys, values: values, count: n), uniquingKeysWith: { $1 })
    }

    /// Moves the innermost array's elements from the scratch stack into an array.
    @inline(never)  // keeps the recursive frames small
    mutating func takeElements(first: Int) -> [JSONValue] {
        let n = pendingValues.count - first
        let values = pendingValues.pop(from: first)
        return [JSONValue](unsafeUninitializedCapacity: n) { out, initialized in
            out.baseAddress!.moveInitialize(from: values, count: n)
            initialized = n
        }
    }

    // MARK: Literals

    /// The first byte is already known to match; the rest is compared byte by byte
    /// so that an error points at the first wrong byte.
    @inline(__always)
    mutating func consume(_ literal: StaticString) throws(JSONSyntaxError) {
        let bytes = literal.utf8Start
        for i in 1 ..< literal.utf8CodeUnitCount {
            guard pos + i < count, base[pos + i] == bytes[i] else {
                pos += i
                throw unexpected()
            }
        }
        pos += literal.utf8CodeUnitCount
    }

    // MARK: Strings

    /// Bit 7 of each byte of the result is set where `word` has a quote, a backslash or a control
    /// character (< 0x20), using the classic SWAR "has zero byte" / "has byte less than n" tests.
    /// Borrows can also flag bytes after a real match, never before one, so the lowest flag is exact.
    @inline(__always)
    static func specialByteMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let q = word ^ (ones &* UInt64(UInt8.quote))
        let b = word ^ (ones &* UInt64(UInt8.backslash))
        let quote = (q &- ones) & ~q
        let backslash = (b &- ones) & ~b
        let control = (word &- ones &* 0x20) & ~word
        return (quote | backslash | control) & 0x8080_8080_8080_8080
    }

    /// Index of the first quote, backslash or control character at or after `i`, or `count`.
    @inline(__always)
    func nextSpecialByte(from i: Int) -> Int {
        var i = i
        while i &+ 8 <= count {
            // Little-endian order puts the first byte in memory in the lowest bits.
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let mask = Reader.specialByteMask(word)
            if mask != 0 { return i &+ mask.trailingZeroBitCount >> 3 }
            i &+= 8
        }
        while i < count {
            let b = base[i]
            if b == .quote || b == .backslash || b < 0x20 { return i }
            i += 1
        }
        return count
    }

    /// Called with `pos` at the opening quote; leaves `pos` after the closing quote.
    @inline(never)  // keeps the recursive frames small
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = pos + 1
        let i = nextSpecialByte(from: start)
        guard i < count else {
            pos = count
            throw unexpected()
        }
        switch base[i] {
        case .quote:
            pos = i + 1
            return String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
        case .backslash:
            return try parseEscapedString(start: start, firstEscape: i)
        default:
            pos = i
            throw controlCharacter()
        }
    }

    /// Slow path: first find the closing quote, then decode into a string allocated at the raw
    /// length, which always suffices because every escape is at least as long as its UTF-8.
    @inline(never)  // keeps the recursive frames small
    mutating func parseEscapedString(start: Int, firstEscape: Int) throws(JSONSyntaxError) -> String {
        var end = firstEscape
        while true {
            guard end < count else {
                pos = count
                throw unexpected()
            }
            let b = base[end]
            if b == .quote { break }
            if b == .backslash {
                end = nextSpecialByte(from: end + 2)  // skips an escaped quote; the escape is checked below
            } else {
                pos = end
                throw controlCharacter()
            }
        }

        var failure: JSONSyntaxError?
        let string = String(unsafeUninitializedCapacity: end - start) { out in
            guard let outBase = out.baseAddress else { return 0 }
            var o = 0
            var i = start
            while i < end {
                // Copy the run of plain bytes up to the next backslash in one go. Inside the string
                // the next special byte is a backslash, or the closing quote at `end`.
                let run = nextSpecialByte(from: i)
                if run > i {
                    (outBase + o).initialize(from: base + i, count: run - i)
                    o += run - i
                    i = run
                    if i == end { break }
                }
                // base[i] is a backslash, and i + 1 < end because the closing quote is not escaped.
                let escaped = base[i + 1]
                let simple: UInt8
                switch escaped {
                case .quote, .backslash, .slash: simple = escaped
                case UInt8(ascii: "b"): simple = 0x08
                case UInt8(ascii: "f"): simple = 0x0C
                case UInt8(ascii: "n"): simple = 0x0A
                case UInt8(ascii: "r"): simple = 0x0D
                case UInt8(ascii: "t"): simple = 0x09
                case UInt8(ascii: "u"):
                    guard let scalar = decodeUnicodeEscape(at: i, end: end, failure: &failure) else { return 0 }
                    i += scalar.value >= 0x10000 ? 12 : 6
                    for unit in UTF8.encode(scalar)! {
                        outBase[o] = unit
                        o += 1
                    }
                    continue
                default:
                    failure = JSONSyntaxError(description: "invalid escape \(Reader.describe(escaped)) at byte \(i)")
                    return 0
                }
                outBase[o] = simple
                o += 1
                i += 2
            }
            return o
        }
        if let failure { throw failure }
        pos = end + 1
        return string
    }

    /// Decodes `\uXXXX` (or a surrogate pair `\uD83D\uDE00`) starting at the backslash at `i`;
    /// on failure sets `failure` and returns nil.
    func decodeUnicodeEscape(at i: Int, end: Int, failure: inout JSONSyntaxError?) -> Unicode.Scalar? {
        guard var value = hex4(at: i + 2, end: end) else {
            failure = JSONSyntaxError(description: "invalid \\u escape at byte \(i)")
            return nil
        }
        if (0xD800 ... 0xDBFF).contains(value) {
            if i + 12 <= end, base[i + 6] == .backslash, base[i + 7] == UInt8(ascii: "u"),
               let low = hex4(at: i + 8, end: end), (0xDC00 ... 0xDFFF).contains(low) {
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
        }
        // Still a surrogate: a high one without its low half, or a low one on its own.
        guard let scalar = Unicode.Scalar(value) else {
            failure = JSONSyntaxError(description: "unpaired surrogate in \\u escape at byte \(i)")
            return nil
        }
        return scalar
    }

    /// Four hex digits (either case) at `i`, or nil.
    @inline(__always)
    func hex4(at i: Int, end: Int) -> UInt32? {
        guard i + 4 <= end else { return nil }
        var value: UInt32 = 0
        for k in 0 ..< 4 {
            let c = base[i + k]
            let digit: UInt8
            switch c {
            case .zero ... .nine: digit = c - .zero
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: Numbers

    /// Validates the exact JSON number grammar while accumulating the decimal mantissa, so that
    /// the common case converts with one exact operation; anything else goes through the
    /// standard library's correctly rounded conversion.
    @inline(never)  // keeps the recursive frames small
    mutating func parseNumber() throws(JSONSyntaxError) -> Double {
        let start = pos
        let negative = base[pos] == .minus
        if negative { pos += 1 }

        var mantissa: UInt64 = 0
        var significantDigits = 0
        var truncated = false  // more than 19 significant digits: mantissa is not exact
        var exponent = 0

        /// Returns false if the digit had to be dropped (it then only scales the value).
        @inline(__always)
        func accumulate(_ digit: UInt8) -> Bool {
            if mantissa == 0 && digit == 0 { return true }  // leading zeros carry no precision
            guard significantDigits < 19 else {
                truncated = true
                return false
            }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            significantDigits += 1
            return true
        }

        // Integer part: 0 | [1-9][0-9]*
        guard pos < count, base[pos].isDigit else { throw unexpected() }
        if base[pos] == .zero {
            pos += 1
            if pos < count, base[pos].isDigit {
                throw JSONSyntaxError(description: "leading zero in number at byte \(start)")
            }
        } else {
            while pos < count, base[pos].isDigit {
                if !accumulate(base[pos] - .zero) { exponent += 1 }
                pos += 1
            }
        }

        // Fraction: . [0-9]+
        if pos < count, base[pos] == .dot {
            pos += 1
            guard pos < count, base[pos].isDigit else { throw unexpected() }
            while pos < count, base[pos].isDigit {
                if accumulate(base[pos] - .zero) { exponent -= 1 }
                pos += 1
            }
        }

        // Exponent: [eE] [+-]? [0-9]+
        if pos < count, base[pos] | 0x20 == UInt8(ascii: "e") {
            pos += 1
            var negativeExponent = false
            if pos < count, base[pos] == .minus || base[pos] == .plus {
                negativeExponent = base[pos] == .minus
                pos += 1
            }
            guard pos < count, base[pos].isDigit else { throw unexpected() }
            var e = 0
            while pos < count, base[pos].isDigit {
                if e < 1_000_000 { e = e * 10 + Int(base[pos] - .zero) }  // saturate; far beyond range anyway
                pos += 1
            }
            exponent += negativeExponent ? -e : e
        }

        // Clinger's fast path: an exact mantissa times an exact power of ten rounds correctly.
        if !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 {
                value /= exactPowersOfTen[-exponent]
            } else if exponent > 0 {
                value *= exactPowersOfTen[exponent]
            }
            return negative ? -value : value
        }

        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONSyntaxError(description: "number out of range at byte \(start)")
        }
        return value
    }

    // MARK: Errors
    //
    // The messages are built out of line, from plain arguments: calling a method on `self` from a
    // mutating method makes the compiler copy the whole reader to the stack at every call site,
    // which made each level of nesting cost over a kilobyte of stack.

    /// The error for the byte at `pos`, or for the end of the input.
    @inline(__always)
    func unexpected() -> JSONSyntaxError {
        Reader.unexpected(pos < count ? base[pos] : nil, at: pos)
    }

    @inline(__always)
    func controlCharacter() -> JSONSyntaxError {
        Reader.controlCharacter(base[pos], at: pos)
    }

    @inline(__always)
    func tooDeep() -> JSONSyntaxError {
        Reader.tooDeep(at: pos)
    }

    @inline(never)
    static func unexpected(_ byte: UInt8?, at offset: Int) -> JSONSyntaxError {
        guard let byte else { return JSONSyntaxError(description: "unexpected end of input at byte \(offset)") }
        return JSONSyntaxError(description: "unexpected \(describe(byte)) at byte \(offset)")
    }

    @inline(never)
    static func controlCharacter(_ byte: UInt8, at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(description: "unescaped control character \(describe(byte)) in string at byte \(offset)")
    }

    @inline(never)
    static func tooDeep(at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(description: "nesting deeper than \(JSONParser.maxDepth) at byte \(offset)")
    }

    static func describe(_ byte: UInt8) -> String {
        if byte > 0x20 && byte < 0x7F {
            return "character '\(Character(Unicode.Scalar(byte)))'"
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}

// MARK: - Scratch stack

/// Consumes popped keys and values as pairs, for building a dictionary without copying them.
private struct MovingPairs: Sequence, IteratorProtocol {
    var keys: UnsafeMutablePointer<String>
    var values: UnsafeMutablePointer<JSONValue>
    var count: Int

    var underestimatedCount: Int { count }

    mutating func next() -> (String, JSONValue)? {
        guard count > 0 else { return nil }
        defer {
            keys += 1
            values += 1
            count -= 1
        }
        return (keys.move(), values.move())
    }
}

/// A stack in caller-provided (stack-allocated) memory that moves to the heap when it fills up.
/// Unlike `Array`, it can hand out its top elements to be moved rather than copied.
private struct ScratchStack<Element> {
    private(set) var count = 0
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private var ownsStorage = false

    init(storage: UnsafeMutableBufferPointer<Element>) {
        base = storage.baseAddress!
        capacity = storage.count
    }

    @inline(__always)
    mutating func push(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(never)
    mutating func grow() {
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: base, count: count)
        if ownsStorage { base.deallocate() }
        base = bigger
        capacity *= 2
        ownsStorage = true
    }

    /// Removes the elements from `start` on and returns their address:
    /// the caller must move every one of them out before the next push.
    @inline(__always)
    mutating func pop(from start: Int) -> UnsafeMutablePointer<Element> {
        count = start
        return base + start
    }

    mutating func release() {
        base.deinitialize(count: count)
        count = 0
        if ownsStorage { base.deallocate() }
        ownsStorage = false
    }
}
