import Foundation
import Logging

/// Writes one line per log record, as JSON or logfmt, through a ``LogOutput`` (standard error unless the service logs
/// to a file; batched, warnings and worse at once).
public struct StructuredLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: LogFormat
    private let output: LogOutput

    public init(label: String, format: LogFormat, level: Logger.Level, output: LogOutput = .standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level, message = event.message
        var fields = event.metadata ?? [:]
        if !self.metadata.isEmpty { fields = self.metadata.merging(fields) { _, new in new } }
        let time = LogTimestamp.now()
        let text: String
        switch format {
        case .json:
            var object: [String: String] = ["time": time, "level": level.rawValue, "logger": label, "msg": message.description]
            for (key, value) in fields { object[key] = value.description }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            text = String(decoding: data, as: UTF8.self)
        case .logfmt:
            text = Self.logfmt(time: time, level: level, label: label, message: message.description, fields: fields)
        }
        output.write(text, immediately: level >= .warning)
    }

    /// A record whose fields the caller gives as plain strings, already sorted by key: the same line as
    /// ``log(event:)`` with those fields, built byte by byte straight into
    /// the output's buffer, without a `Logger.Metadata` dictionary, sorting or intermediate strings (the gateway's
    /// access log, a line per request). Handler metadata and the JSON format take the general path.
    public func log(level: Logger.Level, message: String, sortedFields fields: [(key: String, value: String)]) {
        guard level >= logLevel else { return }
        guard format == .logfmt, metadata.isEmpty else {
            var dictionary: Logger.Metadata = [:]
            for (key, value) in fields { dictionary[key] = .string(value) }
            return log(level: level, message: "\(message)", metadata: dictionary, source: "", file: #fileID, function: #function, line: #line)
        }
        let label = self.label
        output.writeLine(immediately: level >= .warning) { line in
            Self.append("time=", to: &line)
            LogTimestamp.append(to: &line)
            Self.append(" level=", to: &line)
            line.append(contentsOf: level.rawValue.utf8)
            Self.append(" logger=", to: &line)
            Self.appendQuoted(label, to: &line)
            Self.append(" msg=", to: &line)
            Self.appendQuoted(message, to: &line)
            for (key, value) in fields {
                line.append(0x20)
                line.append(contentsOf: key.utf8)
                line.append(0x3D)
                Self.appendQuoted(value, to: &line)
            }
        }
    }

    private static func append(_ text: StaticString, to line: inout [UInt8]) {
        line.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// ``quoted(_:)``, appended as bytes.
    static func appendQuoted(_ value: String, to line: inout [UInt8]) {
        guard needsQuotes(value) else { return line.append(contentsOf: value.utf8) }
        line.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x5C: line.append(0x5C); line.append(0x5C)
            case 0x22: line.append(0x5C); line.append(0x22)
            case 0x0A: line.append(0x5C); line.append(0x6E)
            default: line.append(byte)
            }
        }
        line.append(0x22)
    }

    private static func needsQuotes(_ value: String) -> Bool {
        value.isEmpty || value.utf8.contains(where: { $0 == 0x20 || $0 == 0x22 || $0 == 0x3D || $0 == 0x0A })
    }

    /// One logfmt line: time, level, logger and message, then the fields sorted by key. Built in one string, as the
    /// gateway writes one for every request.
    static func logfmt(time: String, level: Logger.Level, label: String, message: String, fields: Logger.Metadata) -> String {
        var line = ""
        line.reserveCapacity(128 + fields.count * 32)
        line += "time="; line += time
        line += " level="; line += level.rawValue
        line += " logger="; line += quoted(label)
        line += " msg="; line += quoted(message)
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            line += " "; line += key; line += "="; line += quoted(value.description)
        }
        return line
    }

    /// logfmt quotes values containing spaces, quotes, `=` or newlines.
    static func quoted(_ value: String) -> String {
        guard needsQuotes(value) else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
