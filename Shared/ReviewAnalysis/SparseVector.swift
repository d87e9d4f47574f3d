/// A feature vector with only its non-zero entries, indices ascending and unique.
public struct SparseVector: Sendable, Equatable {
    public var indices: [Int32]
    public var values: [Float]

    public init(indices: [Int32] = [], values: [Float] = []) {
        precondition(indices.count == values.count)
        self.indices = indices
        self.values = values
    }

    public var count: Int { indices.count }

    public func dot(_ weights: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0
        for k in 0..<indices.count { sum += Double(values[k]) * weights[Int(indices[k])] }
        return sum
    }
}
