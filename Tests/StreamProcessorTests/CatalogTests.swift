import Foundation
import Kafka
import Mongo
import ReviewAnalysis
import ReviewContracts
import Testing

/// The catalog path: `products` messages through the real broker into the `products` collection, exactly once,
/// beside the reviews.
@Suite("product catalog through Kafka", .serialized)
struct CatalogTests {
    func send(_ messages: [(key: String, value: [UInt8])], to topic: String) async throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: [ProcessorHarness.kafkaBrokers]), logger: ProcessorHarness.logger)
        _ = try await producer.send(messages.map { KafkaProducerMessage(topic: topic, key: Array($0.key.utf8), value: $0.value) })
        await producer.shutdown()
    }

    func products(_ harness: ProcessorHarness) async throws -> [String: Product] {
        let stored = try await harness.results().collection(ProductCollections.products).find(as: Product.self)
        return Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
    }

    func searchTerms(_ harness: ProcessorHarness) async throws -> [String: SearchTerm] {
        let stored = try await harness.results().collection(ProductCollections.searchTerms).find(as: SearchTerm.self)
        return Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
    }

    /// Polls until `condition` holds for the stored products, or 60 s pass.
    func waitForProducts(_ harness: ProcessorHarness, _ condition: ([String: Product]) -> Bool) async throws -> [String: Product] {
        let deadline = ContinuousClock.now + .seconds(60)
        var current = try await products(harness)
        while !condition(current), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            current = try await products(harness)
        }
        return current
    }

    @Test(.timeLimit(.minutes(5)))
    func catalogEntriesAreUpsertedOnceBadOnesDeadLetteredAndReviewedProductsFilledIn() async throws {
        let harness = ProcessorHarness()
        defer { harness.stopAll() }
        try await harness.createTopics()
        let admin = try KafkaAdmin(bootstrapServers: [ProcessorHarness.kafkaBrokers], logger: ProcessorHarness.logger)
        try await admin.createTopic(harness.productsTopic, partitions: 2)
        admin.close()
        try harness.start(0)

        // A review of a product the catalog has not named yet: it counts, and makes a bare entry.
        let fixture = try ProcessorHarness.fixtureReviews()
        try await harness.produce([("r0", ReviewMessage(id: "r0", reviewText: fixture[0].text, overall: 5, itemId: "900").encoded())])
        var stored = try await waitForProducts(harness) { $0["900"]?.reviews == 1 }
        #expect(stored["900"]?.name == nil)

        var catalog: [(key: String, value: [UInt8])] = (0..<40).map { index in
            (String(index), ProductMessage(id: String(index), name: "Knits #\(index)", division: "General", department: "Tops", productClass: "Knits").encoded())
        }
        catalog.append(("900", ProductMessage(id: "900", name: "Dresses #900", department: "Dresses", productClass: "Dresses").encoded()))
        let bad: [(key: String, value: [UInt8], reason: String)] = [
            ("41", Array(#"{"id": "41"}"#.utf8), "missing_field"),
            ("42", Array("not json".utf8), "invalid_json"),
            ("43", Array(#"{"id": "44", "name": "wrong key"}"#.utf8), "key_mismatch"),
        ]
        catalog += bad.map { ($0.key, $0.value) }
        // A later entry for a product replaces the earlier one's fields.
        catalog.append(("7", ProductMessage(id: "7", name: "Fine gauge #7", division: "General").encoded()))
        try await send(catalog, to: harness.productsTopic)

        stored = try await waitForProducts(harness) { $0.count == 41 && $0["7"]?.name == "Fine gauge #7" }
        #expect(stored.count == 41)
        #expect(stored["900"]?.name == "Dresses #900" && stored["900"]?.reviews == 1 && stored["900"]?.ratingHistogram["5"] == 1)
        #expect(stored["3"]?.name == "Knits #3" && stored["3"]?.productClass == "Knits" && stored["3"]?.keywords.contains("knits") == true)
        #expect(stored["7"]?.department == nil && stored["7"]?.productClass == nil, "the newer entry no longer names these")
        // The search index names each product under its catalog words at once, name words marked.
        var terms = try await searchTerms(harness)
        #expect(terms["knits"]?.products.map(\.id).sorted() == (0..<40).filter { $0 != 7 }.map(String.init).sorted())
        #expect(terms["knits"]?.products.allSatisfy { $0.inCatalog && $0.inName } == true)
        #expect(terms["gauge"]?.products == [SearchTerm.ProductEntry(id: "7", inName: true, inCatalog: true)])
        #expect(terms["dresses"]?.products == [SearchTerm.ProductEntry(id: "900", inName: true, inCatalog: true, reviews: 1)])
        #expect(terms["tops"]?.products.first?.inName == false, "a department word is a catalog match, not a name match")

        // Killed and restarted: the stored offsets say the catalog is read, so nothing is written again.
        let written = stored.mapValues(\.catalogedAt)
        harness.kill(0)
        try harness.start(0)
        try await Task.sleep(for: .seconds(6))
        #expect(try await products(harness).mapValues(\.catalogedAt) == written)

        // Renamed: the words that no longer name it lose it, the new ones gain it.
        try await send([("3", ProductMessage(id: "3", name: "Linen shirt #3", division: "General").encoded())], to: harness.productsTopic)
        _ = try await waitForProducts(harness) { $0["3"]?.name == "Linen shirt #3" }
        terms = try await searchTerms(harness)
        #expect(terms["knits"]?.products.contains { $0.id == "3" } == false)
        #expect(terms["linen"]?.products.map(\.id) == ["3"] && terms["shirt"]?.products.map(\.id) == ["3"])
        #expect(terms["general"]?.products.count == 40, "still in its division, as the 39 others")

        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(bootstrapServers: [ProcessorHarness.kafkaBrokers], groupID: ProcessorHarness.unique("dlq")),
            topics: [harness.deadLetterTopic], logger: ProcessorHarness.logger
        )
        var letters: [KafkaConsumerMessage] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while letters.count < bad.count, ContinuousClock.now < deadline {
            letters += try await consumer.poll(maxMessages: 100, timeout: .milliseconds(500))
        }
        try await Task.sleep(for: .seconds(1))
        letters += try await consumer.poll(maxMessages: 100, timeout: .milliseconds(500))
        await consumer.close()
        func header(_ message: KafkaConsumerMessage, _ key: String) -> String? {
            message.headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(letters.compactMap { header($0, "dlq.reason") }.sorted() == bad.map(\.reason).sorted(), "each bad entry once")
        #expect(letters.allSatisfy { header($0, "dlq.source.topic") == harness.productsTopic })
        harness.stopAll()
        await harness.drop()
    }
}
