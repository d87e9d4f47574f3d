import Foundation
import Testing

@testable import ServiceSupport

@Suite("log-line timestamps")
struct LogTimestampTests {
    /// What the log handler wrote before, with Foundation's ISO 8601 style.
    static func foundation(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }

    @Test(arguments: [0, 951_782_400 /* 2000-02-29 */, 1_796_172_800, 4_102_444_799 /* 2099-12-31 23:59:59 */, 1_700_000_000])
    func sameTextAsFoundationsISO8601Style(seconds: Int) {
        for milliseconds in [0, 7, 99, 500, 999] {
            let date = Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000 + 0.0004)
            #expect(LogTimestamp.format(seconds: seconds, milliseconds: milliseconds) == Self.foundation(date))
        }
    }

    @Test func nowIsTheCurrentTime() throws {
        let before = Self.foundation(Date()), now = LogTimestamp.now(), after = Self.foundation(Date())
        #expect(now.count == 23)
        #expect(before.prefix(16) <= now.prefix(16) && now.prefix(16) <= after.prefix(16))
    }

    @Test func appendedTimeIsTheCurrentTime() {
        for _ in 0..<3 {
            var line: [UInt8] = Array("time=".utf8)
            let before = LogTimestamp.now()
            LogTimestamp.append(to: &line)
            let after = LogTimestamp.now()
            let text = String(decoding: line.dropFirst(5), as: UTF8.self)
            #expect(text.count == 23 && before <= text && text <= after, "\(before) \(text) \(after)")
        }
    }
}
