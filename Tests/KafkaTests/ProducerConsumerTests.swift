import Foundation
import Kafka
import Logging
import Testing

@Suite("Producing and consuming against the local broker")
struct ProducerConsumerTests {
    @Test("a produced message comes back with its key, value, headers and the offset of its delivery report")
    func roundTripKeepsKeysAndHeaders() async throws {
        let topic = try await TestBroker.makeTopic("roundtrip", partitions: 1)
        let producer = try TestBroker.producer()
        let sent = [
            KafkaProducerMessage(topic: topic, key: "review-1", value: "{\"overall\":5}", headers: [
                KafkaHeader(key: "source", value: "test"),
                KafkaHeader(key: "empty", value: []),
                KafkaHeader(key: "absent", value: nil),
            ]),
            KafkaProducerMessage(topic: topic, key: nil, value: [0xFF, 0x00, 0x7F]),
            KafkaProducerMessage(topic: topic, key: [], value: []),
        ]
        var reports: [KafkaDeliveryReport] = []
        for message in sent { reports.append(try await producer.send(message)) }
        await producer.shutdown()
        #expect(reports.map(\.offset) == [0, 1, 2])
        #expect(reports.allSatisfy { $0.topic == topic && $0.partition == 0 })

        let consumer = try TestBroker.consumer(group: TestBroker.unique("roundtrip"), topics: [topic])
        let received = try await TestBroker.drain(consumer, count: 3)
        await consumer.close()

        try #require(received.count == 3)
        #expect(received.map(\.offset) == [0, 1, 2])
        #expect(received[0].keyString == "review-1")
        #expect(received[0].valueString == "{\"overall\":5}")
        #expect(received[0].headers == sent[0].headers)
        #expect(received[0].headerString("source") == "test")
        #expect(received[0].timestamp.map { abs($0.timeIntervalSinceNow) < 60 } == true)
        #expect(received[1].key == nil)
        #expect(received[1].value == [0xFF, 0x00, 0x7F])
        #expect(received[1].valueString == nil)
        #expect(received[1].headers.isEmpty)
        #expect(received[2].key == [])
        #expect(received[2].value == [])
    }

    @Test("with the topic's metadata loaded first, a new producer's first message is acknowledged at once")
    func loadedMetadataSpeedsUpTheFirstMessage() async throws {
        let topic = try await TestBroker.makeTopic("first-message", partitions: 3)
        let producer = try TestBroker.producer()
        try await producer.loadMetadata(topic: topic)
        // Without the lookup the first message waits for librdkafka's one-second timer, up to a second depending on
        // its phase (0.2–1.0 s measured), so this fails most runs, not all, when the lookup is left out.
        let start = ContinuousClock.now
        let report = try await producer.send(KafkaProducerMessage(topic: topic, key: "first", value: "{}"))
        let elapsed = ContinuousClock.now - start
        await producer.shutdown()
        #expect(report.topic == topic && report.offset == 0)
        #expect(elapsed < .milliseconds(300), "the first message took \(elapsed)")
    }

    @Test("looking up a topic's metadata fails with a Kafka error when no broker answers")
    func loadingMetadataWithoutABrokerFails() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.messageTimeoutMilliseconds = 1000
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical  // connection-refused errors are the point here
        let producer = try KafkaProducer(configuration: configuration, logger: quiet)
        await #expect(throws: KafkaError.self) { try await producer.loadMetadata(topic: "absent", timeout: .milliseconds(500)) }
        await producer.shutdown()
    }

    @Test("sending a batch returns one report per message, in input order")
    func batchReportsAreInInputOrder() async throws {
        let topic = try await TestBroker.makeTopic("batch", partitions: 2)
        let producer = try TestBroker.producer()
        let messages = (0..<40).map { KafkaProducerMessage(topic: topic, value: Array("m\($0)".utf8), partition: Int32($0 % 2)) }
        let reports = try await producer.send(messages)
        await producer.shutdown()

        #expect(reports.count == 40)
        #expect(reports.map(\.partition) == messages.map { $0.partition! })
        for partition in [Int32(0), 1] {
            #expect(reports.filter { $0.partition == partition }.map(\.offset) == Array(0..<20))
        }
    }

    @Test("poll returns early once maxMessages are in, and waits about its timeout when nothing comes")
    func pollHonoursMaxMessagesAndTimeout() async throws {
        let topic = try await TestBroker.makeTopic("pollbounds", partitions: 1)
        let producer = try TestBroker.producer()
        _ = try await producer.send((0..<10).map { KafkaProducerMessage(topic: topic, key: nil, value: "v\($0)") })
        await producer.shutdown()
        let consumer = try TestBroker.consumer(group: TestBroker.unique("pollbounds"), topics: [topic])

        let firstFive = try await TestBroker.drain(consumer, count: 5)
        #expect(firstFive.map(\.offset) == [0, 1, 2, 3, 4])
        let clock = ContinuousClock()
        var rest: [KafkaConsumerMessage] = []
        let early = try await clock.measure { rest = try await consumer.poll(maxMessages: 5, timeout: .seconds(10)) }
        #expect(rest.map(\.offset) == [5, 6, 7, 8, 9])
        #expect(early < .seconds(5), "took \(early)")

        var none: [KafkaConsumerMessage] = []
        let waited = try await clock.measure { none = try await consumer.poll(maxMessages: 5, timeout: .milliseconds(400)) }
        #expect(none.isEmpty)
        // The upper bound only tells "returned at its timeout" from "hung"; a loaded 2-core CI machine needs the slack.
        #expect(waited >= .milliseconds(400) && waited < .seconds(5), "waited \(waited)")

        await consumer.close()
        await consumer.close()
        await #expect(throws: KafkaError.self) { try await consumer.poll(maxMessages: 1, timeout: .milliseconds(10)) }
    }

    @Test("send to an unreachable broker throws a retriable timeout within the message timeout instead of hanging")
    func sendToUnreachableBrokerTimesOut() async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:1"])
        configuration.messageTimeoutMilliseconds = 1500
        var quiet = TestBroker.logger
        quiet.logLevel = .critical  // connection-refused errors are the point here
        let producer = try KafkaProducer(configuration: configuration, logger: quiet)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await producer.send(KafkaProducerMessage(topic: "nowhere", key: "k", value: "v"))
            Issue.record("send to an unreachable broker succeeded")
        } catch let error as KafkaError {
            #expect(error.code == KafkaError.Code.messageTimedOut)
            #expect(error.isRetriable)
        }
        let elapsed = clock.now - started
        // Loose upper bound: under a parallel test run on 2 cores the timeout fires late, but it fires.
        #expect(elapsed >= .milliseconds(1400) && elapsed < .seconds(12))
        let shutdown = await clock.measure { await producer.shutdown() }
        #expect(shutdown < .seconds(4))
    }

    @Test("a producer run as a service shuts down when its task ends, after which send throws closed")
    func producerServiceShutsDown() async throws {
        let topic = try await TestBroker.makeTopic("service", partitions: 1)
        let producer = try TestBroker.producer()
        let service = Task { try await producer.run() }
        _ = try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: "before"))
        service.cancel()
        try await service.value
        await #expect(throws: KafkaError.self) {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, key: nil, value: "after"))
        }
        await producer.shutdown()
    }
}
