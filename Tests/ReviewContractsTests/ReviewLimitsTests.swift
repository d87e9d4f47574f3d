import Foundation
import ReviewContracts
import Testing

/// The review limits are stated once, in ReviewContracts; the dashboard (TypeScript) repeats them, so they are
/// compared here.
@Suite("review limits")
struct ReviewLimitsTests {
    static let dashboardLimits = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Services/dashboard/src/reviewLimits.ts")

    /// The value of `export const NAME = A * B;` (or a plain number) in the dashboard's limits file.
    static func dashboardConstant(_ name: String) throws -> Int? {
        let source = try String(contentsOf: dashboardLimits, encoding: .utf8)
        guard let line = source.split(separator: "\n").first(where: { $0.hasPrefix("export const \(name) =") }) else { return nil }
        let expression = line.split(separator: "=", maxSplits: 1)[1].replacingOccurrences(of: ";", with: "")
        let factors = expression.split(separator: "*").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !factors.isEmpty, factors.allSatisfy({ $0 != nil }) else { return nil }
        return factors.reduce(1) { $0 * $1! }
    }

    @Test func theDashboardChecksTheSameLimitsTheServerEnforces() throws {
        #expect(try Self.dashboardConstant("MAX_REVIEW_TEXT_BYTES") == ReviewLimits.maxTextBytes)
        #expect(try Self.dashboardConstant("MAX_REVIEW_BODY_BYTES") == ReviewLimits.maxBodyBytes)
    }

    @Test func aTextAtTheLimitFitsTheBodyLimitAndOneByteMoreIsRefused() throws {
        let text = String(repeating: "a", count: ReviewLimits.maxTextBytes)
        let body = try JSONSerialization.data(withJSONObject: ["reviewText": text, "overall": 5, "itemId": "1078", "title": "ok"])
        #expect(body.count <= ReviewLimits.maxBodyBytes)
        let validator = ReviewValidator()
        #expect(throws: Never.self) { try validator.message(from: Array(body), fallbackID: "t/0/1").get() }
        let over = try JSONSerialization.data(withJSONObject: ["reviewText": text + "a", "overall": 5])
        #expect(throws: ReviewRejection.self) { try validator.message(from: Array(over), fallbackID: "t/0/2").get() }
    }
}
