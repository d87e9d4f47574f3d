import Foundation

/// Numeric arrays in the model file as base64 of their little-endian bytes: compact, and exact (no decimal rounding),
/// which is what makes a model file load back bit for bit.
enum PackedArray {
    static func encode(_ values: [Float]) -> String { encodeWords(values.map(\.bitPattern)) }
    static func encode(_ values: [Int32]) -> String { encodeWords(values.map { UInt32(bitPattern: $0) }) }

    static func floats(_ text: String) -> [Float]? { decodeWords(text)?.map(Float.init(bitPattern:)) }
    static func ints(_ text: String) -> [Int32]? { decodeWords(text)?.map { Int32(bitPattern: $0) } }

    private static func encodeWords(_ words: [UInt32]) -> String {
        var bytes = [UInt8](repeating: 0, count: words.count * 4)
        for (i, word) in words.enumerated() {
            let little = word.littleEndian
            bytes[4 * i] = UInt8(truncatingIfNeeded: little)
            bytes[4 * i + 1] = UInt8(truncatingIfNeeded: little >> 8)
            bytes[4 * i + 2] = UInt8(truncatingIfNeeded: little >> 16)
            bytes[4 * i + 3] = UInt8(truncatingIfNeeded: little >> 24)
        }
        return Data(bytes).base64EncodedString()
    }

    private static func decodeWords(_ text: String) -> [UInt32]? {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { i in
                UInt32(raw[4 * i]) | UInt32(raw[4 * i + 1]) << 8 | UInt32(raw[4 * i + 2]) << 16 | UInt32(raw[4 * i + 3]) << 24
            }
        }
    }
}
