import Foundation

/// A random forest: trees grown on bootstrap samples, each split chosen by Gini impurity among a random subset of
/// features; the forest's probability is the trees' mean.
public struct RandomForest: Sendable, Equatable {
    public var trees: [DecisionTree]

    public init(trees: [DecisionTree]) {
        self.trees = trees
    }

    public func probability(_ x: SparseVector) -> Double {
        probability(x, treeCount: trees.count, maxDepth: .max)
    }

    /// The probability of the forest made of the first `treeCount` trees cut at `maxDepth`; because trees are grown
    /// level by level from their own random stream, that is exactly the forest training with those settings would grow.
    public func probability(_ x: SparseVector, treeCount: Int, maxDepth: Int) -> Double {
        var sum = 0.0
        for tree in trees.prefix(treeCount) { sum += tree.probability(x, maxDepth: maxDepth) }
        return sum / Double(max(min(treeCount, trees.count), 1))
    }

    /// Grows `treeCount` trees of at most `maxDepth` levels. Deterministic for a seed; trees are grown in parallel.
    public static func fit(_ matrix: SparseMatrix, labels: [Bool], treeCount: Int, maxDepth: Int, seed: UInt64,
                           progress: (@Sendable (Int) -> Void)? = nil) -> RandomForest {
        let columns = ColumnIndex(matrix)
        let trees = DispatchQueue.concurrentMap(count: treeCount) { index in
            var generator = SeededGenerator(seed: seed, stream: UInt64(index) + 1)
            let tree = TreeGrower(columns: columns, labels: labels, maxDepth: maxDepth).grow(using: &generator)
            progress?(index)
            return tree
        }
        return RandomForest(trees: trees)
    }
}

/// The training matrix by column, each column's entries sorted by value, so a split search reads one feature's
/// values in order.
struct ColumnIndex: Sendable {
    let starts: [Int]
    let rows: [Int32]
    let values: [Float]
    /// Columns with at least one entry: the features a split may use.
    let nonEmpty: [Int32]
    let rowCount: Int

    init(_ matrix: SparseMatrix) {
        var counts = [Int](repeating: 0, count: matrix.columnCount + 1)
        for column in matrix.columns { counts[Int(column) + 1] += 1 }
        for j in 0..<matrix.columnCount { counts[j + 1] += counts[j] }
        var next = counts
        var rows = [Int32](repeating: 0, count: matrix.columns.count)
        var values = [Float](repeating: 0, count: matrix.columns.count)
        for i in 0..<matrix.rowCount {
            for k in matrix.rowStarts[i]..<matrix.rowStarts[i + 1] {
                let j = Int(matrix.columns[k])
                rows[next[j]] = Int32(i)
                values[next[j]] = matrix.values[k]
                next[j] += 1
            }
        }
        var order: [Int] = []
        for j in 0..<matrix.columnCount where counts[j + 1] - counts[j] > 1 {
            let range = counts[j]..<counts[j + 1]
            order = Array(range).sorted { values[$0] < values[$1] || (values[$0] == values[$1] && rows[$0] < rows[$1]) }
            let sortedRows = order.map { rows[$0] }, sortedValues = order.map { values[$0] }
            rows.replaceSubrange(range, with: sortedRows)
            values.replaceSubrange(range, with: sortedValues)
        }
        starts = counts
        self.rows = rows
        self.values = values
        nonEmpty = (0..<matrix.columnCount).filter { counts[$0 + 1] > counts[$0] }.map { Int32($0) }
        rowCount = matrix.rowCount
    }
}

/// Grows one tree breadth-first: all nodes of a level are split before the next level, so the random draws for a
/// level do not depend on how deep the tree will go.
struct TreeGrower {
    let columns: ColumnIndex
    let labels: [Bool]
    let maxDepth: Int

    private struct Candidate {
        var node: Int
        var weight: Double
        var positive: Double
    }

    func grow(using generator: inout SeededGenerator) -> DecisionTree {
        let n = columns.rowCount
        var sampleCount = [Int32](repeating: 0, count: n)
        for _ in 0..<n { sampleCount[Int.random(in: 0..<n, using: &generator)] += 1 }
        // nodeOf[row]: the tree node the row currently sits in; -1 when it is not in the bootstrap sample.
        var nodeOf = [Int32](repeating: -1, count: n)
        var rootWeight = 0.0, rootPositive = 0.0
        for i in 0..<n where sampleCount[i] > 0 {
            nodeOf[i] = 0
            rootWeight += Double(sampleCount[i])
            if labels[i] { rootPositive += Double(sampleCount[i]) }
        }
        var tree = DecisionTree(features: [-1], thresholds: [0], leftChildren: [-1], rightChildren: [-1],
                                positiveFractions: [Float(rootPositive / max(rootWeight, 1))])
        var level = [Candidate(node: 0, weight: rootWeight, positive: rootPositive)]
        var pool = columns.nonEmpty
        let subsetSize = max(1, Int(Double(pool.count).squareRoot().rounded()))
        var entryValues: [Float] = [], entryWeights: [Double] = [], entryPositives: [Double] = []

        for _ in 0..<maxDepth where !level.isEmpty {
            var nextLevel: [Candidate] = []
            var splitOf: [Int32: (feature: Int32, threshold: Float, left: Int32, right: Int32)] = [:]
            for candidate in level {
                guard candidate.positive > 0 && candidate.positive < candidate.weight && candidate.weight >= 2 else { continue }
                let parentImpurity = impurity(candidate.weight, candidate.positive)
                var best: (gain: Double, feature: Int32, threshold: Float, leftWeight: Double, leftPositive: Double)?
                // A partial Fisher–Yates shuffle of the shared pool draws the feature subset without replacement.
                for draw in 0..<min(subsetSize, pool.count) {
                    pool.swapAt(draw, Int.random(in: draw..<pool.count, using: &generator))
                    let feature = pool[draw]
                    entryValues.removeAll(keepingCapacity: true)
                    entryWeights.removeAll(keepingCapacity: true)
                    entryPositives.removeAll(keepingCapacity: true)
                    var nonZeroWeight = 0.0, nonZeroPositive = 0.0
                    for k in columns.starts[Int(feature)]..<columns.starts[Int(feature) + 1] {
                        let row = Int(columns.rows[k])
                        guard nodeOf[row] == Int32(candidate.node) else { continue }
                        let weight = Double(sampleCount[row])
                        entryValues.append(columns.values[k])
                        entryWeights.append(weight)
                        entryPositives.append(labels[row] ? weight : 0)
                        nonZeroWeight += weight
                        if labels[row] { nonZeroPositive += weight }
                    }
                    if entryValues.isEmpty { continue }
                    // Left starts with the reviews where the feature is absent (value 0, below every stored value).
                    var leftWeight = candidate.weight - nonZeroWeight
                    var leftPositive = candidate.positive - nonZeroPositive
                    var previous: Float = 0
                    for k in 0...entryValues.count {
                        let value = k < entryValues.count ? entryValues[k] : .infinity
                        if value > previous, leftWeight > 0, leftWeight < candidate.weight {
                            let gain = parentImpurity - impurity(leftWeight, leftPositive)
                                - impurity(candidate.weight - leftWeight, candidate.positive - leftPositive)
                            if gain > (best?.gain ?? 1e-9) {
                                let threshold = value.isFinite ? previous + (value - previous) / 2 : previous
                                best = (gain, feature, threshold, leftWeight, leftPositive)
                            }
                        }
                        guard k < entryValues.count else { break }
                        leftWeight += entryWeights[k]
                        leftPositive += entryPositives[k]
                        previous = value
                    }
                }
                guard let best else { continue }
                let left = Int32(tree.nodeCount), right = left + 1
                let rightWeight = candidate.weight - best.leftWeight, rightPositive = candidate.positive - best.leftPositive
                for (weight, positive) in [(best.leftWeight, best.leftPositive), (rightWeight, rightPositive)] {
                    tree.features.append(-1)
                    tree.thresholds.append(0)
                    tree.leftChildren.append(-1)
                    tree.rightChildren.append(-1)
                    tree.positiveFractions.append(Float(positive / weight))
                }
                tree.features[candidate.node] = best.feature
                tree.thresholds[candidate.node] = best.threshold
                tree.leftChildren[candidate.node] = left
                tree.rightChildren[candidate.node] = right
                splitOf[Int32(candidate.node)] = (best.feature, best.threshold, left, right)
                nextLevel.append(Candidate(node: Int(left), weight: best.leftWeight, positive: best.leftPositive))
                nextLevel.append(Candidate(node: Int(right), weight: rightWeight, positive: rightPositive))
            }
            guard !splitOf.isEmpty else { break }
            // Everyone moves left, then the rows whose feature value is above the threshold move right.
            for i in 0..<n where nodeOf[i] >= 0 {
                if let split = splitOf[nodeOf[i]] { nodeOf[i] = split.left }
            }
            for split in splitOf.values {
                for k in columns.starts[Int(split.feature)]..<columns.starts[Int(split.feature) + 1]
                where columns.values[k] > split.threshold && nodeOf[Int(columns.rows[k])] == split.left {
                    nodeOf[Int(columns.rows[k])] = split.right
                }
            }
            level = nextLevel
        }
        return tree
    }

    /// Weighted Gini impurity, `w · (1 − p² − q²)`.
    @inline(__always)
    private func impurity(_ weight: Double, _ positive: Double) -> Double {
        weight > 0 ? 2 * positive * (weight - positive) / weight : 0
    }
}
