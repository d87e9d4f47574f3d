import ServiceLifecycle

/// Run a producer in a `ServiceGroup`: it keeps serving until graceful shutdown (or cancellation), then flushes
/// and shuts down, so services listed before it can still send while they drain.
extension KafkaProducer: Service {
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}
