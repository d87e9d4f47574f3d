import Logging
import Metrics
import Prometheus

/// Process-wide logging and metrics set-up, done once by each executable's entry point.
public enum Observability {
    /// Bootstraps swift-log with ``StructuredLogHandler`` and swift-metrics with a Prometheus registry, and returns
    /// that registry for the `/metrics` route. Call once per process (swift-log and swift-metrics trap on a second
    /// bootstrap); tests build applications without calling it.
    public static func bootstrap(format: LogFormat, level: Logger.Level, output: LogOutput = .standardError) -> PrometheusCollectorRegistry {
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level, output: output) }
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultValueHistogramBuckets = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
