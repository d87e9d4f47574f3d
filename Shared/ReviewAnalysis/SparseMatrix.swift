/// Rows of sparse feature vectors packed into three flat arrays (CSR), for training loops over millions of entries.
public struct SparseMatrix: Sendable {
    public private(set) var rowStarts: [Int] = [0]
    public private(set) var columns: [Int32] = []
    public private(set) var values: [Float] = []
    public let columnCount: Int

    public init(columnCount: Int) {
        self.columnCount = columnCount
    }

    public init(rows: [SparseVector], columnCount: Int) {
        self.init(columnCount: columnCount)
        let total = rows.reduce(0) { $0 + $1.count }
        columns.reserveCapacity(total)
        values.reserveCapacity(total)
        rowStarts.reserveCapacity(rows.count + 1)
        for row in rows { append(row) }
    }

    public var rowCount: Int { rowStarts.count - 1 }

    public mutating func append(_ row: SparseVector) {
        columns.append(contentsOf: row.indices)
        values.append(contentsOf: row.values)
        rowStarts.append(columns.count)
    }

    public func row(_ index: Int) -> SparseVector {
        let range = rowStarts[index]..<rowStarts[index + 1]
        return SparseVector(indices: Array(columns[range]), values: Array(values[range]))
    }

    /// The matrix with every column `j` multiplied by `scales[j]`.
    public func scalingColumns(by scales: [Float]) -> SparseMatrix {
        precondition(scales.count == columnCount)
        var scaled = self
        scales.withUnsafeBufferPointer { scales in
            for k in 0..<scaled.values.count { scaled.values[k] *= scales[Int(scaled.columns[k])] }
        }
        return scaled
    }

    /// The same rows with column `j` renamed `newIndex[j]`, in a matrix of `columnCount` columns.
    func renumberingColumns(_ newIndex: [Int32], columnCount: Int) -> SparseMatrix {
        var renumbered = SparseMatrix(columnCount: columnCount)
        renumbered.rowStarts = rowStarts
        renumbered.values = values
        renumbered.columns = columns.map { newIndex[Int($0)] }
        return renumbered
    }
}
