import Foundation

/// One dedicated thread that runs librdkafka's blocking calls in order, so they never occupy a thread of Swift's
/// cooperative pool. When it has nothing queued it runs `idle` (a bounded poll), or sleeps if there is none.
/// Unchecked Sendable: the job queue and flags are behind `condition`; `idle` and `wake` are set once, in `init`.
final class RDKafkaWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var stopped = false
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    private var afterStop: [() -> Void] = []
    private let idle: (() -> Void)?
    private let wake: (() -> Void)?

    /// - Parameters:
    ///   - idle: runs whenever the queue is empty; must return within about 100 ms.
    ///   - wake: interrupts a running `idle` so a newly queued job starts at once.
    init(name: String, idle: (() -> Void)? = nil, wake: (() -> Void)? = nil) {
        self.idle = idle
        self.wake = wake
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the worker thread and returns its result; throws `KafkaError.Code.closed` once stopped.
    func run<T: Sendable>(_ body: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let accepted = enqueue { continuation.resume(with: Result { try body() }) }
            if !accepted { continuation.resume(throwing: KafkaError.closed("the Kafka client")) }
        }
    }

    /// Finishes the queued jobs, then ends the thread; returns when it has ended.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if stopped {
                condition.unlock()
                continuation.resume()
                return
            }
            stopWaiters.append(continuation)
            stopping = true
            condition.signal()
            condition.unlock()
            wake?()
        }
    }

    /// Like `stop()` without waiting; `then` runs on the worker thread after the last queued job.
    func stop(then: @escaping () -> Void) {
        condition.lock()
        if stopped {
            condition.unlock()
            then()
            return
        }
        afterStop.append(then)
        stopping = true
        condition.signal()
        condition.unlock()
        wake?()
    }

    private func enqueue(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            return false
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
        wake?()
        return true
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping && idle == nil {
                condition.wait()
            }
            let batch = jobs
            jobs.removeAll()
            let exit = batch.isEmpty && stopping
            condition.unlock()
            if exit { break }
            if batch.isEmpty {
                idle?()
            } else {
                for job in batch { job() }
            }
        }
        condition.lock()
        stopped = true
        let waiters = stopWaiters, finals = afterStop
        stopWaiters.removeAll()
        afterStop.removeAll()
        condition.unlock()
        for final in finals { final() }
        for waiter in waiters { waiter.resume() }
    }
}
