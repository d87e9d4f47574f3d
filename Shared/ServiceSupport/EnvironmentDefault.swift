import Foundation

/// Default values for command-line options that can also come from the environment.
///
/// Each service declares `@Option var kafkaBrokers = EnvironmentDefault.string("KAFKA_BROKERS", "127.0.0.1:9092")`,
/// so the precedence is flag > environment variable > built-in default, and `--help` shows the effective default.
public enum EnvironmentDefault {
    public static func string(_ name: String, _ fallback: String) -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return fallback }
        return value
    }

    public static func int(_ name: String, _ fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) } ?? fallback
    }

    public static func double(_ name: String, _ fallback: Double) -> Double {
        ProcessInfo.processInfo.environment[name].flatMap { Double($0) } ?? fallback
    }
}
