import Kafka
import Testing

@Suite("KafkaError")
struct KafkaErrorTests {
    @Test("a commit rejected during a rebalance is a retriable rebalance conflict that names librdkafka's code")
    func rebalanceRejectionIsRetriable() {
        let error = KafkaError(code: KafkaError.Code.illegalGeneration, message: "committing offsets: Broker: Specified group generation id is not valid")
        #expect(error.isRetriable)
        #expect(error.isRebalanceConflict)
        #expect(error.description.contains("ILLEGAL_GENERATION"))
        #expect(error.description.contains("(22)"))
    }

    @Test("a delivery timeout is retriable but not a rebalance conflict; an invalid argument is neither")
    func retriableClassification() {
        #expect(KafkaError(code: KafkaError.Code.messageTimedOut, message: "").isRetriable)
        #expect(!KafkaError(code: KafkaError.Code.messageTimedOut, message: "").isRebalanceConflict)
        #expect(!KafkaError(code: KafkaError.Code.invalidArgument, message: "").isRetriable)
    }

    @Test("an invalid configuration property fails init with a KafkaError naming the property")
    func invalidPropertyIsRejected() {
        var configuration = KafkaProducerConfiguration(bootstrapServers: TestBroker.servers)
        configuration.additionalProperties["no.such.property"] = "1"
        #expect {
            _ = try KafkaProducer(configuration: configuration, logger: TestBroker.logger)
        } throws: { error in
            (error as? KafkaError).map { $0.code == KafkaError.Code.invalidArgument && $0.message.contains("no.such.property") } ?? false
        }
    }
}
