import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import Gateway

@Suite("Upstream failure classification")
struct UpstreamFailureTests {
    @Test("a refused connection is 'unreachable': retried for any method and takes the upstream down")
    func refusedConnection() async throws {
        // A port that was just free: bind, note it, close.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()

        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let outcome: Result<HTTPClientResponse, any Error>
        do {
            outcome = .success(try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/whoami"), timeout: .seconds(5)))
        } catch {
            outcome = .failure(error)
        }
        try await client.shutdown()
        switch outcome {
        case .success:
            Issue.record("the request to a closed port succeeded")
        case .failure(let error):
            let failure = UpstreamFailure(error)
            guard case .unreachable = failure else {
                Issue.record("classified \(error) as \(failure)")
                return
            }
            #expect(failure.allowsRetry(of: .post))
            #expect(failure.takesUpstreamDown)
            #expect(failure.apiError.status == .badGateway)
        }
    }

    @Test("a timeout is retried only for idempotent methods and leaves the upstream in the pool")
    func timeout() {
        let failure = UpstreamFailure(HTTPClientError.deadlineExceeded)
        #expect(failure.allowsRetry(of: .get))
        #expect(failure.allowsRetry(of: .put))
        #expect(!failure.allowsRetry(of: .post))
        #expect(!failure.takesUpstreamDown)
        #expect(failure.apiError.status == .gatewayTimeout)
    }

    @Test("a lost connection is not retried for POST, since the upstream may have acted on it")
    func lostConnection() {
        let failure = UpstreamFailure(HTTPClientError.remoteConnectionClosed)
        #expect(!failure.allowsRetry(of: .post))
        #expect(failure.allowsRetry(of: .delete))
        // A POST with an idempotency key is as safe to repeat as a PUT.
        #expect(failure.allowsRetry(of: .post, hasIdempotencyKey: true))
        #expect(failure.takesUpstreamDown)
    }
}
