import Hummingbird
import ServiceLifecycle
import Settings

extension ApplicationProtocol {
    /// Runs the application until SIGTERM or SIGINT, like `runService()`, but with a bound on shutdown: a graceful
    /// shutdown still running after `grace` is escalated to task cancellation, and one that ignores cancellation for
    /// 5 s more ends the process. Whatever state a service is in, it is gone within `grace` + 5 s, so a supervisor
    /// (Kubernetes, `scripts/up`) never has to `kill -9` it. Any part that fails (the HTTP server cannot bind, the
    /// broker or database is unreachable at start) shuts the whole service down and `run` throws: the process exits
    /// non-zero with the reason.
    public func runService(shutdownGrace grace: Duration) async throws {
        var configuration = ServiceGroupConfiguration(services: [self], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = grace
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// The shutdown bound every service uses: `SHUTDOWN_GRACE_SECONDS` (20; Kubernetes' grace period is 30).
public enum ShutdownGrace {
    public static var fromEnvironment: Duration { .seconds(max(1, EnvironmentDefault.int("SHUTDOWN_GRACE_SECONDS", 20))) }
}
