import HTTPTypes
import Testing

@testable import Gateway

@Suite("request IDs")
struct RequestIDsTests {
    @Test func newIDsAreDistinctAndShapedAsPrefixAndCounter() {
        let ids = (0..<1000).map { _ in RequestIDs.next() }
        #expect(Set(ids).count == ids.count)
        let parts = ids[0].split(separator: "-")
        #expect(parts.count == 2 && parts[0].count == 16 && parts[1].count == 12)
        #expect(ids.allSatisfy { $0.hasPrefix(parts[0] + "-") })
        #expect(ids.allSatisfy { $0.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || $0 == 0x2D } })
    }

    @Test func aPlausibleClientIDIsKeptAndAnythingElseReplaced() {
        #expect(ProxyHeaders.requestID(from: [ProxyHeaders.requestIDHeader: "abc-123"]) == "abc-123")
        let replaced = ProxyHeaders.requestID(from: [ProxyHeaders.requestIDHeader: "has space"])
        #expect(replaced != "has space" && replaced.count == 29)
    }

    @Test func hexIsZeroPadded() {
        #expect(RequestIDs.hex(0x2a, digits: 12) == "00000000002a")
        #expect(RequestIDs.hex(.max, digits: 16) == "ffffffffffffffff")
    }
}

@Suite("pipeline proxy headers")
struct PipelineProxyHeaderTests {
    @Test func connectionOptionsListTheExtraNamesLowercased() {
        #expect(PipelineProxy.connectionOptions(["Connection": "keep-alive"]).isEmpty)
        #expect(PipelineProxy.connectionOptions(["connection": "Close"]).isEmpty)
        #expect(PipelineProxy.connectionOptions(["Connection": "Keep-Alive, X-Secret ,\tclose,, Y-Other"]) == ["x-secret", "y-other"])
        #expect(PipelineProxy.connectionOptions(["Connection": "x-one", "CONNECTION": "X-Two"]) == ["x-one", "x-two"])
        #expect(PipelineProxy.connectionOptions(["Keep-Alive": "timeout=5"]).isEmpty)
    }

    @Test func pathsWithANULAreFound() {
        for path in ["/api/a%00b", "/api/%%00", "/api/%0%00", "/api/a\u{0}b", "%00"] { #expect(PipelineProxy.holdsNUL(path[...]), "\(path)") }
        for path in ["/api/a%0b", "/api/%20%30", "/api/0%0", "/api/%0a0", "/api/plain", ""] { #expect(!PipelineProxy.holdsNUL(path[...]), "\(path)") }
    }
}
