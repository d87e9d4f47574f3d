/// Why a review file could not be read.
enum DataFileError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformedLine(path: String, line: Int, reason: String)
    case empty(path: String)

    var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .malformedLine(let path, let line, let reason):
            "\(path):\(line): \(reason) (use --skip-invalid to skip malformed lines)"
        case .empty(let path): "\(path) contains no reviews"
        }
    }
}
