import Kafka
import Testing

@Suite("Consumer groups, offsets and positions")
struct ConsumerGroupTests {
    @Test("a second consumer joining a group takes over part of the partitions: disjoint assignments covering all, seen by the rebalance handlers")
    func twoConsumersSplitPartitions() async throws {
        let topic = try await TestBroker.makeTopic("split", partitions: 4)
        let group = TestBroker.unique("split")
        let all = Set((0..<4).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) })
        let first = RebalanceRecorder(), second = RebalanceRecorder()
        let consumerA = try TestBroker.consumer(group: group, topics: [topic]) { configuration in
            configuration.rebalanceHandler = { first.record($0); return [] }
        }
        #expect(try await TestBroker.pollUntilAssigned(consumerA, all) == all)

        let consumerB = try TestBroker.consumer(group: group, topics: [topic]) { configuration in
            configuration.rebalanceHandler = { second.record($0); return [] }
        }
        // Both must keep polling: eager rebalances are served inside poll.
        var split: (Set<KafkaTopicPartition>, Set<KafkaTopicPartition>) = ([], [])
        let deadline = ContinuousClock.now + .seconds(25)
        while ContinuousClock.now < deadline {
            async let pollA = consumerA.poll(maxMessages: 100, timeout: .milliseconds(200))
            async let pollB = consumerB.poll(maxMessages: 100, timeout: .milliseconds(200))
            _ = try await (pollA, pollB)
            split = (Set(try await consumerA.assignment()), Set(try await consumerB.assignment()))
            if !split.0.isEmpty, !split.1.isEmpty, split.0.union(split.1) == all { break }
        }
        await consumerA.close()
        await consumerB.close()

        #expect(!split.0.isEmpty && !split.1.isEmpty)
        #expect(split.0.isDisjoint(with: split.1))
        #expect(split.0.union(split.1) == all)
        // A saw: assigned all, revoked all (B joined), assigned its share, revoked by close().
        #expect(first.assignedEvents.first.map(Set.init) == all)
        #expect(first.events.contains(.revoked(first.assignedEvents.first ?? [])))
        #expect(first.assignedEvents.last.map(Set.init) == split.0)
        #expect(second.assignedEvents.last.map(Set.init) == split.1)
        #expect(first.events.last == .revoked(first.assignedEvents.last ?? []))
    }

    @Test("a member dropped from the group for not polling is handed its rebalance (lost partitions, rejoin) only by a poll")
    func memberDroppedForNotPollingRecoversByPolling() async throws {
        let topic = try await TestBroker.makeTopic("pollinterval", partitions: 2)
        let group = TestBroker.unique("pollinterval")
        let all = Set((0..<2).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) })
        let recorder = RebalanceRecorder()
        let consumer = try TestBroker.consumer(group: group, topics: [topic]) { configuration in
            configuration.sessionTimeoutMilliseconds = 6000
            configuration.additionalProperties["max.poll.interval.ms"] = "6000"
            configuration.rebalanceHandler = { recorder.record($0); return [] }
        }
        #expect(try await TestBroker.pollUntilAssigned(consumer, all) == all)

        // No poll for longer than the poll interval: the client leaves the group, but nothing reaches the handler.
        let eventsBefore = recorder.events.count
        try await Task.sleep(for: .seconds(9))
        #expect(recorder.events.count == eventsBefore, "a rebalance must not be served without a poll")

        // Polling serves the revocation and the rejoin; the member then owns its partitions and can seek again.
        let position = KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 0)
        var rejoined = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !rejoined, ContinuousClock.now < deadline {
            _ = try await consumer.poll(maxMessages: 100, timeout: .milliseconds(200))
            let owned = Set(try await consumer.assignment())
            rejoined = recorder.assignedEvents.count > 1 && owned == all
        }
        #expect(rejoined)
        try await consumer.seek(position)
        await consumer.close()
        let served = recorder.events.dropFirst(eventsBefore)
        #expect(served.contains { if case .revoked = $0 { true } else { false } })
    }

    @Test("a commit sent while another member joins is either accepted or a retriable rebalance conflict, and no message is lost")
    func commitDuringRebalanceIsIgnorable() async throws {
        let topic = try await TestBroker.makeTopic("rebalancecommit", partitions: 2)
        let group = TestBroker.unique("rebalancecommit")
        let producer = try TestBroker.producer()
        _ = try await producer.send((0..<10).map { KafkaProducerMessage(topic: topic, value: Array("m\($0)".utf8), partition: Int32($0 % 2)) })
        await producer.shutdown()

        let consumerA = try TestBroker.consumer(group: group, topics: [topic])
        #expect(try await TestBroker.drain(consumerA, count: 10).count == 10)
        let consumerB = try TestBroker.consumer(group: group, topics: [topic])
        // B's join puts the group into a rebalance that A has not served yet (A is not polling).
        _ = try await consumerB.poll(maxMessages: 10, timeout: .milliseconds(300))
        var rejected = false
        do {
            try await consumerA.commit([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 5)])
        } catch let error as KafkaError {
            rejected = true
            #expect(error.isRebalanceConflict && error.isRetriable, "\(error)")
        }

        var reread: [KafkaConsumerMessage] = []
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            async let fromA = consumerA.poll(maxMessages: 100, timeout: .milliseconds(200))
            async let fromB = consumerB.poll(maxMessages: 100, timeout: .milliseconds(200))
            let (a, b) = try await (fromA, fromB)
            reread += a + b
            if Set(reread.map(\.offset)).count == 5, reread.count >= (rejected ? 10 : 5) { break }
        }
        await consumerA.close()
        await consumerB.close()
        // The local broker rejects the commit (ILLEGAL_GENERATION), so the new owners re-read everything.
        let partition0 = reread.filter { $0.partition == 0 }.map(\.offset).sorted()
        #expect(partition0 == (rejected ? [0, 1, 2, 3, 4] : []))
        #expect(reread.filter { $0.partition == 1 }.map(\.offset).sorted() == [0, 1, 2, 3, 4])
    }

    @Test("after commit and close, a new consumer in the same group continues exactly at the committed offset")
    func committedOffsetsResume() async throws {
        let topic = try await TestBroker.makeTopic("resume", partitions: 1)
        let group = TestBroker.unique("resume")
        let producer = try TestBroker.producer()
        _ = try await producer.send((0..<10).map { KafkaProducerMessage(topic: topic, key: nil, value: "m\($0)") })
        await producer.shutdown()
        let partition = KafkaTopicPartition(topic: topic, partition: 0)

        let first = try TestBroker.consumer(group: group, topics: [topic])
        let firstFour = try await TestBroker.drain(first, count: 4)
        #expect(firstFour.map(\.offset) == [0, 1, 2, 3])
        #expect(try await first.committed([partition]).map(\.offset) == [KafkaTopicPartitionOffset.noOffset])
        try await first.commit([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 4)])
        #expect(try await first.committed([partition]).map(\.offset) == [4])
        let marks = try await first.watermarks(partition)
        #expect(marks.low == 0 && marks.high == 10)
        await first.close()

        let second = try TestBroker.consumer(group: group, topics: [topic])
        let rest = try await TestBroker.drain(second, count: 6)
        let extra = try await second.poll(maxMessages: 10, timeout: .milliseconds(300))
        await second.close()
        #expect(rest.map(\.offset) == [4, 5, 6, 7, 8, 9])
        #expect(rest.map(\.valueString) == (4..<10).map { "m\($0)" })
        #expect(extra.isEmpty)
    }

    @Test("a commit in the background is seen by the group shortly after, and close waits for it")
    func backgroundCommitsLand() async throws {
        let topic = try await TestBroker.makeTopic("bgcommit", partitions: 1)
        let group = TestBroker.unique("bgcommit")
        let producer = try TestBroker.producer()
        _ = try await producer.send((0..<6).map { KafkaProducerMessage(topic: topic, key: nil, value: "m\($0)") })
        await producer.shutdown()
        let partition = KafkaTopicPartition(topic: topic, partition: 0)

        let first = try TestBroker.consumer(group: group, topics: [topic])
        _ = try await TestBroker.drain(first, count: 3)
        try await first.commitInBackground([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 2)])
        var seen: [Int64] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while seen != [2], ContinuousClock.now < deadline {
            seen = try await first.committed([partition]).map(\.offset)
            if seen != [2] { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(seen == [2])
        // Sent right before close: close waits for it, so the next member starts there.
        try await first.commitInBackground([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 3)])
        await first.close()
        let second = try TestBroker.consumer(group: group, topics: [topic])
        let rest = try await TestBroker.drain(second, count: 3)
        await second.close()
        #expect(rest.map(\.offset) == [3, 4, 5])
    }

    @Test("seek makes the next poll re-read from the given offset")
    func seekRereads() async throws {
        let topic = try await TestBroker.makeTopic("seek", partitions: 1)
        let producer = try TestBroker.producer()
        _ = try await producer.send((0..<10).map { KafkaProducerMessage(topic: topic, key: nil, value: "m\($0)") })
        await producer.shutdown()

        let consumer = try TestBroker.consumer(group: TestBroker.unique("seek"), topics: [topic])
        let all = try await TestBroker.drain(consumer, count: 10)
        #expect(all.map(\.offset) == Array(0..<10))
        try await consumer.seek(KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 3))
        let again = try await TestBroker.drain(consumer, count: 7)
        await consumer.close()
        #expect(again.map(\.offset) == Array(3..<10))
    }

    @Test("start offsets returned by the rebalance handler are honoured; other partitions start from autoOffsetReset")
    func handlerStartOffsetsAreHonoured() async throws {
        let topic = try await TestBroker.makeTopic("startoffsets", partitions: 2)
        let producer = try TestBroker.producer()
        _ = try await producer.send((0..<10).map { KafkaProducerMessage(topic: topic, value: Array("m\($0)".utf8), partition: Int32($0 % 2)) })
        await producer.shutdown()

        let recorder = RebalanceRecorder()
        let consumer = try TestBroker.consumer(group: TestBroker.unique("startoffsets"), topics: [topic]) { configuration in
            configuration.rebalanceHandler = { event in
                recorder.record(event)
                guard case .assigned = event else { return [] }
                return [KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: 3)]
            }
        }
        let received = try await TestBroker.drain(consumer, count: 7)
        let extra = try await consumer.poll(maxMessages: 10, timeout: .milliseconds(300))
        await consumer.close()
        #expect(received.filter { $0.partition == 0 }.map(\.offset) == [3, 4])
        #expect(received.filter { $0.partition == 1 }.map(\.offset) == [0, 1, 2, 3, 4])
        #expect(extra.isEmpty)
        #expect(recorder.assignedEvents.first.map(Set.init) == [KafkaTopicPartition(topic: topic, partition: 0), KafkaTopicPartition(topic: topic, partition: 1)])
    }

    @Test("a consumer without topics answers watermark queries")
    func consumerWithoutTopicsReadsWatermarks() async throws {
        let topic = try await TestBroker.makeTopic("marks", partitions: 1)
        let producer = try TestBroker.producer()
        _ = try await producer.send((0..<3).map { KafkaProducerMessage(topic: topic, key: nil, value: "m\($0)") })
        await producer.shutdown()
        let consumer = try TestBroker.consumer(group: TestBroker.unique("marks"), topics: [])
        let marks = try await consumer.watermarks(KafkaTopicPartition(topic: topic, partition: 0))
        #expect(try await consumer.assignment().isEmpty)
        await consumer.close()
        #expect(marks.low == 0 && marks.high == 3)
    }
}
