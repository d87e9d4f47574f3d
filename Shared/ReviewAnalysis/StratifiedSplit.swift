/// Seeded, class-stratified partitions of a labelled set, so each part keeps the positive/negative ratio.
public enum StratifiedSplit {
    /// Indices of a train/test split with `testFraction` of each class in the test part (rounded).
    public static func trainTest(labels: [Bool], testFraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var generator = SeededGenerator(seed: seed, stream: 0x5EED)
        var train: [Int] = [], test: [Int] = []
        for label in [true, false] {
            var members = labels.indices.filter { labels[$0] == label }
            members.shuffle(using: &generator)
            let testCount = Int((Double(members.count) * testFraction).rounded())
            test += members.prefix(testCount)
            train += members.dropFirst(testCount)
        }
        return (train.sorted(), test.sorted())
    }

    /// The fold (0..<folds) of every item: each class is shuffled and dealt round-robin over the folds.
    public static func folds(labels: [Bool], count folds: Int, seed: UInt64) -> [Int] {
        precondition(folds >= 2, "cross-validation needs at least 2 folds")
        var generator = SeededGenerator(seed: seed, stream: 0xF01D)
        var fold = [Int](repeating: 0, count: labels.count)
        for label in [true, false] {
            var members = labels.indices.filter { labels[$0] == label }
            members.shuffle(using: &generator)
            for (position, index) in members.enumerated() { fold[index] = position % folds }
        }
        return fold
    }
}
