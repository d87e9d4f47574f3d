import Foundation

/// The one place that decides what a word is; ``Tokenizer`` (word count) and ``HashingVectorizer`` (model) both use it,
/// so the two always agree.
///
/// Rules: a token is a run of letters, digits and combining marks (Unicode properties, not just ASCII), lower-cased
/// with the full Unicode mapping and normalised to NFC. An apostrophe (`'`, `’` or `ʼ`) between two word characters
/// stays inside the token as `'` ("don't" → `don't`, "5’4" → `5'4`); anywhere else it separates. A trailing `'s` is
/// dropped, so possessives count with their noun ("dress's" → `dress`).
///
/// It works on the string's UTF-8 bytes with one reused buffer, because the stream processor runs it for every review.
enum TokenScanner {
    /// What punctuation came between a token and the previous one.
    enum Break {
        case none
        /// `, ; :` — ends a negation's scope.
        case clause
        /// `. ! ?` — ends a sentence (and a negation's scope).
        case sentence
    }

    /// Calls `body` with each token's lower-cased UTF-8 bytes (valid only during the call) and the strongest
    /// punctuation that came between it and the previous token.
    @inline(__always)
    static func forEachToken(in text: String, _ body: (UnsafeBufferPointer<UInt8>, Break) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var token = TokenBuffer()
            defer { token.deallocate() }
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    index += 1
                    let folded = byte | 0x20
                    if folded >= 0x61 && folded <= 0x7A {
                        token.appendWordByte(folded)
                    } else if byte >= 0x30 && byte <= 0x39 {
                        token.appendWordByte(byte)
                    } else if byte == 0x27 {
                        if !token.apostrophe() { token.finish(body) }
                    } else {
                        token.finish(body)
                        token.noteBreak(byte)
                    }
                    continue
                }
                let (scalar, length) = decodeScalar(bytes, at: index)
                index += length
                switch scalar.value {
                case 0x2019, 0x02BC:
                    if !token.apostrophe() { token.finish(body) }
                default:
                    if isWordScalar(scalar) {
                        token.appendWordScalar(scalar)
                    } else {
                        token.finish(body)
                    }
                }
            }
            token.finish(body)
        }
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Decodes the multi-byte scalar starting at `index`; a Swift string's UTF-8 is always valid.
    @inline(__always)
    static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(bytes[index])
        let value: UInt32, length: Int
        if lead < 0xE0 {
            value = (lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
            length = 2
        } else if lead < 0xF0 {
            value = (lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
            length = 3
        } else {
            value = (lead & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12 | UInt32(bytes[index + 2] & 0x3F) << 6
                | UInt32(bytes[index + 3] & 0x3F)
            length = 4
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }
}

/// The token being built by ``TokenScanner``: bytes in a buffer it owns (not an `Array`, whose uniqueness and
/// capacity checks on every appended byte were a tenth of the stream processor's analysis time).
private struct TokenBuffer {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity = 64
    private var count = 0
    var hasNonASCII = false
    var pendingApostrophe = false
    /// The strongest punctuation seen since the last emitted token.
    var pendingBreak = TokenScanner.Break.none

    init() { storage = .allocate(capacity: capacity) }

    func deallocate() { storage.deallocate() }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: capacity * 2) }
        storage[count] = byte
        count += 1
    }

    private mutating func grow(to newCapacity: Int) {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
    }

    @inline(__always)
    mutating func appendWordByte(_ byte: UInt8) {
        if pendingApostrophe {
            append(0x27)
            pendingApostrophe = false
        }
        append(byte)
    }

    mutating func appendWordScalar(_ scalar: Unicode.Scalar) {
        if pendingApostrophe {
            append(0x27)
            pendingApostrophe = false
        }
        hasNonASCII = true
        for byte in scalar.properties.lowercaseMapping.utf8 { append(byte) }
    }

    /// Records an apostrophe; returns false when it cannot be inside a word (no word before it, or a second one).
    @inline(__always)
    mutating func apostrophe() -> Bool {
        if count == 0 || pendingApostrophe { return false }
        pendingApostrophe = true
        return true
    }

    @inline(__always)
    mutating func noteBreak(_ byte: UInt8) {
        switch byte {
        case 0x2E, 0x21, 0x3F: pendingBreak = .sentence
        case 0x2C, 0x3B, 0x3A: if pendingBreak == .none { pendingBreak = .clause }
        default: break
        }
    }

    /// Emits the token, if any, and starts a new one.
    @inline(__always)
    mutating func finish(_ body: (UnsafeBufferPointer<UInt8>, TokenScanner.Break) -> Void) {
        pendingApostrophe = false
        if count >= 2 && storage[count - 1] == 0x73 && storage[count - 2] == 0x27 { count -= 2 }
        if count > 0 {
            let bytes = UnsafeBufferPointer(start: storage, count: count)
            if hasNonASCII {
                var normalized = String(decoding: bytes, as: UTF8.self).precomposedStringWithCanonicalMapping
                normalized.withUTF8 { body($0, pendingBreak) }
            } else {
                body(bytes, pendingBreak)
            }
            pendingBreak = .none
        }
        count = 0
        hasNonASCII = false
    }
}
