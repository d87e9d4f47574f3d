/// Why a model file could not be loaded.
public enum ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not JSON, or JSON without the fields a model file has.
    case corrupt(String)
    /// JSON, but not a review-sentiment model file.
    case notAModelFile(format: String)
    /// A model file written by an incompatible trainer.
    case unsupportedFormatVersion(found: Int, supported: Int)

    public var description: String {
        switch self {
        case .corrupt(let reason): "corrupt model file: \(reason)"
        case .notAModelFile(let format): "not a sentiment model file (format \"\(format)\", expected \"\(ModelFile.formatName)\")"
        case .unsupportedFormatVersion(let found, let supported):
            "model file format version \(found) is not supported (this build reads version \(supported)); retrain the model"
        }
    }
}
