#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Log-line timestamps, `yyyy-MM-ddTHH:mm:ss.SSS` in UTC: what `Date.formatted(.iso8601…)` wrote, built from
/// `clock_gettime` and `gmtime_r` instead (Foundation's format style was a tenth of the gateway's CPU time per
/// request, which logs every request).
enum LogTimestamp {
    /// The last second formatted, `yyyy-MM-ddTHH:mm:ss.` as bytes: a line per request mostly falls in the same second.
    private static let lastSecond = Mutex<(seconds: Int, prefix: [UInt8])>((-1, []))

    /// Appends the current time to a line being built (the same 23 characters as ``now()``).
    static func append(to line: inout [UInt8]) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let seconds = Int(spec.tv_sec)
        let prefix = lastSecond.withLock { last in
            if last.seconds != seconds { last = (seconds, Array(format(seconds: seconds, milliseconds: 0).utf8.prefix(20))) }
            return last.prefix
        }
        line.append(contentsOf: prefix)
        let milliseconds = Int(spec.tv_nsec / 1_000_000)
        line.append(UInt8(48 + milliseconds / 100))
        line.append(UInt8(48 + milliseconds / 10 % 10))
        line.append(UInt8(48 + milliseconds % 10))
    }

    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return format(seconds: Int(spec.tv_sec), milliseconds: Int(spec.tv_nsec / 1_000_000))
    }

    /// `seconds` since 1970 in UTC, with `milliseconds` (0–999).
    static func format(seconds: Int, milliseconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(unsafeUninitializedCapacity: 23) { buffer in
            func put(_ value: Int, width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(Int(parts.tm_year) + 1900, width: 4, at: 0)
            buffer[4] = 0x2D
            put(Int(parts.tm_mon) + 1, width: 2, at: 5)
            buffer[7] = 0x2D
            put(Int(parts.tm_mday), width: 2, at: 8)
            buffer[10] = 0x54
            put(Int(parts.tm_hour), width: 2, at: 11)
            buffer[13] = 0x3A
            put(Int(parts.tm_min), width: 2, at: 14)
            buffer[16] = 0x3A
            put(Int(parts.tm_sec), width: 2, at: 17)
            buffer[19] = 0x2E
            put(milliseconds, width: 3, at: 20)
            return 23
        }
    }
}
