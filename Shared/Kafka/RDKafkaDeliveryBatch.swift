import Foundation

/// Collects the delivery reports of messages sent together and hands them back in input order once all are in.
/// Unchecked Sendable: the reports, the count and the continuation are behind `lock`.
final class RDKafkaDeliveryBatch: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [KafkaDeliveryReport?]
    private var firstError: KafkaError?
    private var pending: Int
    private var continuation: CheckedContinuation<[KafkaDeliveryReport], Error>?

    init(count: Int) {
        reports = Array(repeating: nil, count: count)
        pending = count
    }

    func complete(_ index: Int, with result: Result<KafkaDeliveryReport, KafkaError>) {
        lock.lock()
        switch result {
        case .success(let report): reports[index] = report
        case .failure(let error): if firstError == nil { firstError = error }
        }
        pending -= 1
        let waiting = pending == 0 ? continuation : nil
        if waiting != nil { continuation = nil }
        lock.unlock()
        waiting.map(resume)
    }

    /// Waits for every report; throws the first failure after all messages are settled, so none is left in doubt.
    func wait() async throws -> [KafkaDeliveryReport] {
        try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            if pending == 0 {
                lock.unlock()
                resume(continuation)
            } else {
                self.continuation = continuation
                lock.unlock()
            }
        }
    }

    private func resume(_ continuation: CheckedContinuation<[KafkaDeliveryReport], Error>) {
        lock.lock()
        let error = firstError, collected = reports
        lock.unlock()
        if let error {
            continuation.resume(throwing: error)
        } else {
            continuation.resume(returning: collected.map { $0! })
        }
    }
}
