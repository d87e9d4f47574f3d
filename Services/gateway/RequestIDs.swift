import Foundation

/// New request IDs: a random 64-bit prefix chosen when the process starts and a counter, as 16 + 12 hex digits
/// (`9f86d081884c7d65-00000000002a`). Unique across gateway instances for all practical purposes, and cheaper than a
/// random UUID per request (which costs a system call for its randomness).
enum RequestIDs {
    private static let prefix: String = {
        let value = UInt64.random(in: .min ... .max)
        return hex(value, digits: 16)
    }()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counter: UInt64 = 0

    /// ``prefix`` and the dash, as bytes.
    private static let head: [UInt8] = Array(prefix.utf8) + [UInt8(ascii: "-")]
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func next() -> String {
        let number = lock.withLock {
            counter &+= 1
            return counter
        }
        // Written in place (one allocation): every request without an ID of its own gets one.
        return String(unsafeUninitializedCapacity: head.count + 12) { buffer in
            for (index, byte) in head.enumerated() { buffer[index] = byte }
            var value = number
            for index in stride(from: head.count + 11, through: head.count, by: -1) {
                buffer[index] = digits[Int(value & 0xF)]
                value >>= 4
            }
            return head.count + 12
        }
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
    }
}
