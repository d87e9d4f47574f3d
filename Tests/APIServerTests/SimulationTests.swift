import Foundation
import Hummingbird
import HummingbirdTesting
import Kafka
import Mongo
import Prometheus
import ReviewContracts
import Testing

@testable import APIServer

/// Admin-only server-side simulations publishing real reviews, against the real broker and database.
@Suite("server-side simulation")
struct SimulationTests {
    func fixture(dataset: String = TestStack.fixture.path) -> AccountFixture {
        AccountFixture {
            $0.datasetPath = dataset
            $0.simulationRate = 100
        }
    }

    @Test func onlyAdminsMayStartOrWatchASimulation() async throws {
        let fixture = fixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("mia", password: "correct horse battery")
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            #expect(try await client.postJSON("/api/v1/simulate", #"{"count": 5}"#).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/simulate", method: .get).status == .unauthorized)
            let token = try await client.login("mia", "correct horse battery").token
            let refused = try await client.postJSON("/api/v1/simulate", #"{"count": 5}"#, headers: bearer(token))
            #expect(refused.status == .forbidden)
            #expect(json(refused)["error"] as? String == "forbidden")
            #expect(try await client.execute(uri: "/api/v1/simulate", method: .get, headers: bearer(token)).status == .forbidden)
        }
        #expect(try await TestStack.messageCount(topic: fixture.topic) == 0)
    }

    @Test(arguments: [
        (#"{"count": 0}"#, 422, "invalid_count"),
        (#"{"count": 5001}"#, 422, "invalid_count"),
        (#"{"count": "ten"}"#, 422, "wrong_type"),
        (#"{"count": 1.5}"#, 422, "invalid_count"),
        ("{}", 422, "missing_field"),
        ("count=5", 400, "invalid_json"),
    ])
    func badCountsAreRefused(body: String, status: Int, reason: String) async throws {
        let fixture = fixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("root", password: "correct horse battery", role: .admin)
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let token = try await client.login("root", "correct horse battery").token
            let response = try await client.postJSON("/api/v1/simulate", body, headers: bearer(token))
            #expect(response.status.code == status)
            #expect(json(response)["error"] as? String == reason)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func anAdminsSimulationPublishesRealReviewsAtTheRateAndReportsProgress() async throws {
        let fixture = fixture()
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("root", password: "correct horse battery", role: .admin)
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        let started = ContinuousClock.now
        try await app.test(.router) { client in
            let token = try await client.login("root", "correct horse battery").token
            #expect(try await client.execute(uri: "/api/v1/simulate", method: .get, headers: bearer(token)).status == .noContent)
            let response = try await client.postJSON("/api/v1/simulate", #"{"count": 150}"#, headers: bearer(token))
            #expect(response.status == .accepted)
            #expect(json(response)["state"] as? String == "running")
            #expect(json(response)["requestedBy"] as? String == "root")
            // The dashboard's contract (`SimulationJob` in contract.ts) reads the job's id as `_id`, as stored.
            #expect((json(response)["_id"] as? String)?.isEmpty == false)
            let second = try await client.postJSON("/api/v1/simulate", #"{"count": 5}"#, headers: bearer(token))
            #expect(second.status == .conflict)
            #expect(json(second)["error"] as? String == "simulation_running")

            var progress: [Int] = []
            var status: [String: Any] = [:]
            while ContinuousClock.now - started < .seconds(60) {
                status = json(try await client.execute(uri: "/api/v1/simulate", method: .get, headers: bearer(token)))
                progress.append(status["published"] as? Int ?? -1)
                if status["state"] as? String == "finished" { break }
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(status["state"] as? String == "finished")
            #expect(status["published"] as? Int == 150)
            #expect(status["failed"] as? Int == 0)
            // Progress was visible on the way: some reading between none and all.
            #expect(progress.contains { $0 > 0 && $0 < 150 })
        }
        // 150 reviews at 100/s take at least 1.4 s.
        #expect(ContinuousClock.now - started > .milliseconds(1400))
        #expect(try await TestStack.messageCount(topic: fixture.topic) == 150)

        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: TestStack.kafkaBrokers, groupID: TestStack.unique("g")),
            topics: [fixture.topic], logger: TestStack.logger
        )
        var received: [KafkaConsumerMessage] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while received.count < 10, ContinuousClock.now < deadline {
            received += try await consumer.poll(maxMessages: 50, timeout: .milliseconds(500))
        }
        await consumer.close()
        let texts = Set(try TestStack.fixtureTexts())
        for message in received.prefix(10) {
            let value = try JSONSerialization.jsonObject(with: Data(message.value)) as? [String: Any]
            #expect(texts.contains(value?["reviewText"] as? String ?? ""))
        }
    }

    @Test func withoutTheDatasetASimulationGets503() async throws {
        let fixture = fixture(dataset: "/nonexistent/reviews.jsonl")
        defer { Task { await fixture.drop() } }
        try await fixture.addUser("root", password: "correct horse battery", role: .admin)
        let app = try await buildApplication(fixture.configuration, registry: PrometheusCollectorRegistry())
        try await app.test(.router) { client in
            let token = try await client.login("root", "correct horse battery").token
            let response = try await client.postJSON("/api/v1/simulate", #"{"count": 5}"#, headers: bearer(token))
            #expect(response.status == .serviceUnavailable)
            #expect(json(response)["error"] as? String == "dataset_unavailable")
        }
    }
}
