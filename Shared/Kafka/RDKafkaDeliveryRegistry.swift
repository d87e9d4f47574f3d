import Foundation

/// Maps the per-message opaque that librdkafka hands back in a delivery report to the batch awaiting it.
/// Unchecked Sendable: the next id and the waiting batches are behind `lock`.
final class RDKafkaDeliveryRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var nextID: UInt = 1
    private var waiting: [UInt: (batch: RDKafkaDeliveryBatch, index: Int)] = [:]

    /// Registers a message before it is handed to librdkafka (its report can arrive before `produce` returns).
    func register(_ batch: RDKafkaDeliveryBatch, index: Int) -> UInt {
        lock.lock()
        defer { lock.unlock() }
        let id = nextID
        nextID += 1
        waiting[id] = (batch, index)
        return id
    }

    /// Settles a message; unknown ids (already settled) are ignored.
    func settle(_ id: UInt, with result: Result<KafkaDeliveryReport, KafkaError>) {
        lock.lock()
        let entry = waiting.removeValue(forKey: id)
        lock.unlock()
        entry.map { $0.batch.complete($0.index, with: result) }
    }

    /// Fails every message still waiting; used once the handle is gone and no report can come.
    func settleAll(with error: KafkaError) {
        lock.lock()
        let entries = waiting
        waiting.removeAll()
        lock.unlock()
        for entry in entries.values { entry.batch.complete(entry.index, with: .failure(error)) }
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return waiting.count
    }
}
