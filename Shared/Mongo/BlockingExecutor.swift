import DequeModule
import Foundation

/// A small pool of dedicated threads for blocking libmongoc calls, so they never occupy Swift's cooperative pool.
///
/// Threads start on demand up to `maxThreads` and exit after `idleTimeout` without work. Jobs never wait on each
/// other indefinitely (the client pool hands out a client only with a permit), so a bounded pool cannot deadlock.
/// Unchecked Sendable: the job queue and thread counts are behind `condition`.
final class BlockingExecutor: @unchecked Sendable {
    /// Shared by every `MongoClient` in the process.
    static let shared = BlockingExecutor(maxThreads: 64, idleTimeout: 10)

    private let condition = NSCondition()
    private var jobs: Deque<() -> Void> = []
    private var threadCount = 0
    private var idleCount = 0
    private var startedThreads = 0
    private let maxThreads: Int
    private let idleTimeout: TimeInterval

    init(maxThreads: Int, idleTimeout: TimeInterval) {
        self.maxThreads = maxThreads
        self.idleTimeout = idleTimeout
    }

    /// Runs `work` on an executor thread and resumes the caller with its result.
    func run<T: Sendable>(_ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            submit {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        let spawn = jobs.count > idleCount && threadCount < maxThreads
        if spawn {
            threadCount += 1
            startedThreads += 1
        }
        let number = startedThreads
        condition.signal()
        condition.unlock()
        if spawn {
            let thread = Thread { [unowned self] in self.workLoop() }
            thread.name = "mongo-io-\(number)"
            thread.start()
        }
    }

    private func workLoop() {
        condition.lock()
        while true {
            if let job = jobs.popFirst() {
                condition.unlock()
                job()
                condition.lock()
                continue
            }
            idleCount += 1
            let signalled = condition.wait(until: Date(timeIntervalSinceNow: idleTimeout))
            idleCount -= 1
            if !signalled && jobs.isEmpty {
                threadCount -= 1
                condition.unlock()
                return
            }
        }
    }
}
