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

    static func next() -> String {
        let number = lock.withLock {
            counter &+= 1
            return counter
        }
        return prefix + "-" + hex(number, digits: 12)
    }

    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
    }
}
