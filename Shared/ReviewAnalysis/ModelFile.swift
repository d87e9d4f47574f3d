import Foundation

/// The on-disk form of a ``SentimentModel`` (JSON, keys sorted). Changing its meaning means raising ``currentVersion``.
struct ModelFile: Codable, Sendable, Equatable {
    static let formatName = "review-sentiment-model"
    static let currentVersion = 1

    var format: String
    var formatVersion: Int
    var version: String
    /// ISO 8601 with milliseconds, kept as text so it re-encodes exactly.
    var createdAt: String
    var labelRule: LabelRule
    var trainingData: TrainingDataInfo
    var vectorizer: Vectorizer
    var classifier: Classifier
    var metrics: TrainingReport

    struct Vectorizer: Codable, Sendable, Equatable {
        var parameters: VectorizerParameters
        var documentCount: Int
        /// ``PackedArray`` of Float32, one per bucket.
        var idf: String
    }

    struct Classifier: Codable, Sendable, Equatable {
        var kind: ModelKind
        var hyperparameters: GridCell
        /// P(positive) from which a review is labelled positive.
        var threshold: Double
        var linear: Linear?
        var forest: [Tree]?
    }

    struct Linear: Codable, Sendable, Equatable {
        var bias: Double
        /// ``PackedArray`` of Float32, one per bucket.
        var weights: String
    }

    /// One tree's node arrays, each a ``PackedArray``.
    struct Tree: Codable, Sendable, Equatable {
        var features: String
        var thresholds: String
        var leftChildren: String
        var rightChildren: String
        var positiveFractions: String
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `createdAt`'s text for a time, rounded to the millisecond.
    static func timestamp(_ date: Date) -> String {
        timestampFormatter().string(from: date)
    }

    /// The time `createdAt`'s text stands for, or nil when it is not an ISO 8601 timestamp.
    static func date(timestamp: String) -> Date? {
        timestampFormatter().date(from: timestamp)
    }

    /// A formatter per call, as a model is written or read once: a shared one would be a mutable class reached from
    /// any thread. `Date.ISO8601FormatStyle` is no substitute: it truncates rather than rounds to the millisecond and
    /// parses to another `Date` in the last bits, which would change version ids and loaded creation times.
    private static func timestampFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    /// Reads a model file, checking the format and version before the rest so an old file gets the right message.
    static func decode(_ data: Data) throws -> ModelFile {
        struct Header: Decodable { var format: String?; var formatVersion: Int? }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data)
        } catch {
            throw ModelFileError.corrupt("not a JSON object (\(Self.reason(error)))")
        }
        guard let format = header.format else { throw ModelFileError.corrupt("no \"format\" field") }
        guard format == formatName else { throw ModelFileError.notAModelFile(format: format) }
        guard let version = header.formatVersion else { throw ModelFileError.corrupt("no \"formatVersion\" field") }
        guard version == currentVersion else {
            throw ModelFileError.unsupportedFormatVersion(found: version, supported: currentVersion)
        }
        do {
            return try JSONDecoder().decode(ModelFile.self, from: data)
        } catch {
            throw ModelFileError.corrupt(Self.reason(error))
        }
    }

    private static func reason(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context):
            return "missing field \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "invalid JSON" : "invalid value at \"\(path)\""
        default:
            return String(describing: error)
        }
    }
}
