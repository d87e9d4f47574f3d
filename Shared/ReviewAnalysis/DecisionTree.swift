/// A binary classification tree over sparse features: an inner node sends a review left when its feature value is
/// at most the threshold (absent features are 0), and every node knows the fraction of positive training reviews
/// that reached it, so the tree can also be read cut off at a smaller depth.
public struct DecisionTree: Sendable, Equatable {
    /// Feature bucket tested at each node; -1 for a leaf.
    public var features: [Int32]
    public var thresholds: [Float]
    public var leftChildren: [Int32]
    public var rightChildren: [Int32]
    /// P(positive) among the (weighted) training reviews that reached the node.
    public var positiveFractions: [Float]

    public init(features: [Int32] = [], thresholds: [Float] = [], leftChildren: [Int32] = [], rightChildren: [Int32] = [],
                positiveFractions: [Float] = []) {
        precondition([thresholds.count, leftChildren.count, rightChildren.count, positiveFractions.count]
            .allSatisfy { $0 == features.count })
        self.features = features
        self.thresholds = thresholds
        self.leftChildren = leftChildren
        self.rightChildren = rightChildren
        self.positiveFractions = positiveFractions
    }

    public var nodeCount: Int { features.count }

    /// P(positive | x), reading the tree only down to `maxDepth` (a root-only tree has depth 0).
    public func probability(_ x: SparseVector, maxDepth: Int = .max) -> Double {
        var node = 0, depth = 0
        while features[node] >= 0 && depth < maxDepth {
            let value = Self.value(of: features[node], in: x)
            node = Int(value <= thresholds[node] ? leftChildren[node] : rightChildren[node])
            depth += 1
        }
        return Double(positiveFractions[node])
    }

    /// The same tree with every node below `maxDepth` removed.
    public func truncated(to maxDepth: Int) -> DecisionTree {
        var result = DecisionTree()
        func copy(_ node: Int, depth: Int) -> Int32 {
            let index = result.nodeCount
            result.features.append(-1)
            result.thresholds.append(0)
            result.leftChildren.append(-1)
            result.rightChildren.append(-1)
            result.positiveFractions.append(positiveFractions[node])
            if features[node] >= 0 && depth < maxDepth {
                let left = copy(Int(leftChildren[node]), depth: depth + 1)
                let right = copy(Int(rightChildren[node]), depth: depth + 1)
                result.features[index] = features[node]
                result.thresholds[index] = thresholds[node]
                result.leftChildren[index] = left
                result.rightChildren[index] = right
            }
            return Int32(index)
        }
        _ = copy(0, depth: 0)
        return result
    }

    @inline(__always)
    static func value(of feature: Int32, in x: SparseVector) -> Float {
        var low = 0, high = x.count
        while low < high {
            let middle = (low + high) / 2
            if x.indices[middle] < feature { low = middle + 1 } else { high = middle }
        }
        return low < x.count && x.indices[low] == feature ? x.values[low] : 0
    }
}
