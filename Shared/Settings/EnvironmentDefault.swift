import ArgumentParser
import Foundation
import NIOConcurrencyHelpers

/// The one reader of settings that may come from the environment: the default values of command-line options.
///
/// Each service declares `@Option var kafkaBrokers = EnvironmentDefault.string("KAFKA_BROKERS", "127.0.0.1:9092")`,
/// so a flag wins over the environment variable, which wins over the built-in default, and `--help` shows the
/// effective default. A variable that is set but does not parse (a number that is not one, a boolean outside
/// ``boolean(_:)``'s words) is never silently replaced by the default: it is recorded, and
/// ``checkEnvironment()`` (called from the option groups' `validate()`) stops the command with its name.
public enum EnvironmentDefault {
    private static let reader = NIOLockedValueBox(EnvironmentReader(ProcessInfo.processInfo.environment))

    public static func string(_ name: String, _ fallback: String) -> String {
        reader.withLockedValue { $0.string(name, fallback) }
    }

    /// The variable's value, or nil when it is unset or empty.
    public static func optionalString(_ name: String) -> String? {
        reader.withLockedValue { $0.optionalString(name) }
    }

    public static func int(_ name: String, _ fallback: Int) -> Int {
        reader.withLockedValue { $0.int(name, fallback) }
    }

    public static func double(_ name: String, _ fallback: Double) -> Double {
        reader.withLockedValue { $0.double(name, fallback) }
    }

    public static func bool(_ name: String, _ fallback: Bool) -> Bool {
        reader.withLockedValue { $0.bool(name, fallback) }
    }

    /// The one boolean syntax of every setting, flag value or variable: true/false, 1/0, yes/no, on/off, any case.
    public static func boolean(_ text: String) -> Bool? {
        EnvironmentReader.boolean(text)
    }

    /// Throws a `ValidationError` naming each variable read so far whose value did not parse.
    public static func checkEnvironment() throws {
        let problems = reader.withLockedValue { $0.problems }
        guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
    }
}

/// Reads typed values from a set of environment variables and remembers the ones that did not parse.
public struct EnvironmentReader: Sendable {
    private let environment: [String: String]
    /// One line per variable that is set but unreadable as its type, in the order read.
    public private(set) var problems: [String] = []

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    public func optionalString(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    public func string(_ name: String, _ fallback: String) -> String {
        optionalString(name) ?? fallback
    }

    public mutating func int(_ name: String, _ fallback: Int) -> Int {
        parsed(name, fallback, expecting: "a whole number") { Int($0) }
    }

    public mutating func double(_ name: String, _ fallback: Double) -> Double {
        parsed(name, fallback, expecting: "a number") { Double($0) }
    }

    public mutating func bool(_ name: String, _ fallback: Bool) -> Bool {
        parsed(name, fallback, expecting: "true or false") { Self.boolean($0) }
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    private mutating func parsed<T>(_ name: String, _ fallback: T, expecting kind: String, _ parse: (String) -> T?) -> T {
        guard let text = optionalString(name)?.trimmingCharacters(in: .whitespaces) else { return fallback }
        if let value = parse(text) { return value }
        let problem = "\(name)=\(text) is not \(kind)"
        if !problems.contains(problem) { problems.append(problem) }
        return fallback
    }
}
