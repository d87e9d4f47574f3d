import ArgumentParser
import Logging
import Prometheus
import Settings

/// The logging options every service takes: format, level, and an optional log file rotated by size.
public struct LogOptions: ParsableArguments {
    @Option(help: "Log format: json or logfmt [env: LOG_FORMAT].")
    public var logFormat = EnvironmentDefault.string("LOG_FORMAT", "logfmt")
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical [env: LOG_LEVEL].")
    public var logLevel = EnvironmentDefault.string("LOG_LEVEL", "info")
    @Option(help: ArgumentHelp(
        "Log to this file instead of standard error (empty: standard error), rotating it by size; standard output and error are sent there too [env: LOG_FILE].",
        valueName: "path"
    ))
    public var logFile = EnvironmentDefault.string("LOG_FILE", "")
    @Option(help: "Rotate the log file when it reaches this many megabytes [env: LOG_MAX_MB].")
    public var logMaxMb = EnvironmentDefault.int("LOG_MAX_MB", 100)
    @Option(help: "Rotated log files kept: <file>.1 (newest) to <file>.N [env: LOG_KEEP].")
    public var logKeep = EnvironmentDefault.int("LOG_KEEP", 3)

    public init() {}

    public var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }
    public var format: LogFormat { LogFormat(rawValue: logFormat) ?? .logfmt }

    /// Also stops the command on any environment variable read so far that did not parse (every service takes
    /// these options, so this is where each one's environment is checked).
    public func validate() throws {
        try EnvironmentDefault.checkEnvironment()
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be json or logfmt, not \(logFormat)") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel) is not a log level") }
        guard logMaxMb > 0 else { throw ValidationError("--log-max-mb must be positive") }
        guard logKeep >= 0 else { throw ValidationError("--log-keep must not be negative") }
    }

    /// Opens the log file, if one is given, and bootstraps logging and metrics (``Observability/bootstrap``).
    /// Throws ``LogOutput/OpenError`` when the file cannot be opened.
    public func bootstrap() throws -> PrometheusCollectorRegistry {
        let output = logFile.isEmpty
            ? LogOutput.standardError
            : try LogOutput(rotating: .init(path: logFile, maxBytes: logMaxMb * 1_048_576, keep: logKeep, redirect: [1, 2]))
        return Observability.bootstrap(format: format, level: level, output: output)
    }
}
