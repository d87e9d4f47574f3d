import Foundation
import Logging

/// Writes one line per log record to standard error, as JSON or logfmt.
public struct StructuredLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: LogFormat

    public init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
        source: String, file: String, function: String, line: UInt
    ) {
        var fields = self.metadata
        if let explicit { fields.merge(explicit) { _, new in new } }
        let time = LogTimestamp.now()
        let text: String
        switch format {
        case .json:
            var object: [String: String] = ["time": time, "level": level.rawValue, "logger": label, "msg": message.description]
            for (key, value) in fields { object[key] = value.description }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            text = String(decoding: data, as: UTF8.self)
        case .logfmt:
            var parts = ["time=\(time)", "level=\(level.rawValue)", "logger=\(Self.quoted(label))", "msg=\(Self.quoted(message.description))"]
            for key in fields.keys.sorted() { parts.append("\(key)=\(Self.quoted(fields[key]!.description))") }
            text = parts.joined(separator: " ")
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// logfmt quotes values containing spaces, quotes or `=`.
    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\n" }) else { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
