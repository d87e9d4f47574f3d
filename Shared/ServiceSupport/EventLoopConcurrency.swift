import NIOCore
import NIOPosix

/// Runs Swift Concurrency's jobs on NIO's event loops instead of a thread pool of their own.
public enum EventLoopConcurrency {
    /// A service whose request handlers never block (blocking C calls and file reads run on threads of their own)
    /// otherwise hops twice per request: from the event loop that read it to a concurrency thread, and back to write
    /// the answer. Call first thing in `main`, before any task starts, as NIO requires; returns whether it took.
    @discardableResult
    public static func install() -> Bool {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
