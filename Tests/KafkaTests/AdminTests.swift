import Kafka
import Testing

@Suite("Topic administration")
struct AdminTests {
    @Test("a topic created with 3 partitions reports 3, a second create is a quiet no-op, and keyed messages land on every partition")
    func threePartitionTopicSpreadsKeys() async throws {
        let admin = try KafkaAdmin(bootstrapServers: TestBroker.servers, logger: TestBroker.logger)
        defer { admin.close() }
        let topic = TestBroker.unique("admin")
        #expect(try await admin.partitionCount(topic: topic) == nil)
        #expect(try await admin.createTopic(topic, partitions: 3))
        #expect(try await admin.createTopic(topic, partitions: 3) == false)
        #expect(try await admin.partitionCount(topic: topic) == 3)

        let producer = try TestBroker.producer()
        let reports = try await producer.send((0..<30).map { KafkaProducerMessage(topic: topic, key: "review-\($0)", value: "v\($0)") })
        await producer.shutdown()
        #expect(Set(reports.map(\.partition)) == [0, 1, 2])

        let consumer = try TestBroker.consumer(group: TestBroker.unique("admin"), topics: [topic])
        let received = try await TestBroker.drain(consumer, count: 30)
        await consumer.close()
        #expect(received.count == 30)
        #expect(Set(received.map(\.partition)) == [0, 1, 2])
        // A key always maps to the same partition.
        let partitionOfKey = Dictionary(uniqueKeysWithValues: zip((0..<30).map { "review-\($0)" }, reports.map(\.partition)))
        #expect(received.allSatisfy { partitionOfKey[$0.keyString ?? ""] == $0.partition })
    }

    @Test("a deleted topic no longer exists, and deleting it again succeeds")
    func deleteTopicIsIdempotent() async throws {
        let admin = try KafkaAdmin(bootstrapServers: TestBroker.servers, logger: TestBroker.logger)
        defer { admin.close() }
        let topic = TestBroker.unique("delete")
        try await admin.createTopic(topic, partitions: 1)
        try await admin.deleteTopic(topic)
        #expect(try await admin.partitionCount(topic: topic) == nil)
        try await admin.deleteTopic(topic)
    }
}
