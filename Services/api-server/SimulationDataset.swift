import Foundation
import ReviewContracts

/// The real reviews a simulation publishes: the dataset file (`scripts/local/dataset` writes `.data/reviews.jsonl`), read
/// once and kept, each line checked with the same validator as a posted review.
actor SimulationDataset {
    let path: String
    private var reviews: [ReviewValidator.Submission]?

    init(path: String) {
        self.path = path
    }

    /// Every valid review in the file; throws when the file cannot be read or holds none.
    func load() throws -> [ReviewValidator.Submission] {
        if let reviews { return reviews }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let validator = ReviewValidator()
        let loaded = data.split(separator: UInt8(ascii: "\n")).compactMap { line in
            try? validator.submission(from: line).get()
        }
        guard !loaded.isEmpty else { throw CocoaError(.fileReadCorruptFile) }
        reviews = loaded
        return loaded
    }
}
