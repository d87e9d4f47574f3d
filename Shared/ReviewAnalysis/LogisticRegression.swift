import Foundation

/// A fitted L2-regularised logistic regression over hashed TF-IDF features.
public struct LogisticRegression: Sendable, Equatable {
    /// One weight per feature bucket; stored as 32-bit floats, which is all the precision the features have.
    public let weights: [Float]
    public let bias: Double

    public init(weights: [Float], bias: Double) {
        self.weights = weights
        self.bias = bias
    }

    /// The model over unscaled features equivalent to this one fitted on features scaled by `scales`
    /// (``SparseMatrix/scalingColumns(by:)``): each weight times its feature's scale.
    public func unscaling(_ scales: [Float]) -> LogisticRegression {
        precondition(scales.count == weights.count)
        return LogisticRegression(weights: zip(weights, scales).map { $0 * $1 }, bias: bias)
    }

    /// P(positive | x).
    public func probability(_ x: SparseVector) -> Double {
        var z = bias
        weights.withUnsafeBufferPointer { w in
            for k in 0..<x.count { z += Double(x.values[k]) * Double(w[Int(x.indices[k])]) }
        }
        return Self.sigmoid(z)
    }

    @inline(__always)
    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// Fits `minimise Σ sᵢ·logloss(yᵢ, w·xᵢ + b) + ‖w‖² / (2C)` with L-BFGS; the bias is not penalised.
    ///
    /// - Parameters:
    ///   - sampleWeights: per-row weights (class weighting); nil for all ones.
    ///   - warmStart: a previous solution (weights then bias) to start from, e.g. the neighbouring C on a grid.
    ///   - tolerance: stop when no gradient component exceeds this fraction of the largest weight component at w = 0
    ///     (the bias's is left out: with unbalanced classes it dominates and would loosen the test). Measuring
    ///     against w = 0 rather than the starting point keeps warm-started fits as precise as cold ones.
    /// - Returns: the model, the raw solution (to warm-start the next fit) and the L-BFGS iterations used.
    public static func fit(_ matrix: SparseMatrix, labels: [Bool], c: Double, sampleWeights: [Double]? = nil,
                           warmStart: [Double]? = nil, tolerance: Double = 1e-3,
                           maxIterations: Int = 1000) -> (model: LogisticRegression, solution: [Double], iterations: Int) {
        precondition(matrix.rowCount == labels.count && c > 0)
        let fullCount = matrix.columnCount
        precondition(warmStart == nil || warmStart!.count == fullCount + 1)
        // Only columns that occur in some row can get a non-zero weight (the penalty holds the rest at zero), so the
        // fit runs over those alone: with 2^20 hash buckets and a few thousand reviews that is a fraction of them,
        // and L-BFGS keeps 24 vectors of the parameter count.
        var compactIndex = [Int32](repeating: -1, count: fullCount)
        var usedColumns: [Int] = []
        for column in matrix.columns where compactIndex[Int(column)] < 0 {
            compactIndex[Int(column)] = Int32(usedColumns.count)
            usedColumns.append(Int(column))
        }
        let compact = matrix.renumberingColumns(compactIndex, columnCount: usedColumns.count)
        let start = warmStart.map { warm in usedColumns.map { warm[$0] } + [warm[fullCount]] }
        let (compactParameters, iterations) = fitCompact(compact, labels: labels, c: c, sampleWeights: sampleWeights,
                                                         warmStart: start, tolerance: tolerance, maxIterations: maxIterations)
        var parameters = [Double](repeating: 0, count: fullCount + 1)
        for (k, column) in usedColumns.enumerated() { parameters[column] = compactParameters[k] }
        parameters[fullCount] = compactParameters[usedColumns.count]
        let model = LogisticRegression(weights: parameters[0..<fullCount].map { Float($0) }, bias: parameters[fullCount])
        return (model, parameters, iterations)
    }

    private static func fitCompact(_ matrix: SparseMatrix, labels: [Bool], c: Double, sampleWeights: [Double]?,
                                   warmStart: [Double]?, tolerance: Double, maxIterations: Int) -> ([Double], Int) {
        let d = matrix.columnCount, rows = matrix.rowCount
        var parameters = warmStart ?? [Double](repeating: 0, count: d + 1)
        precondition(parameters.count == d + 1)
        // The objective is divided by the row count so the gradient tolerance means the same at any data size.
        let scale = 1 / Double(max(rows, 1)), penalty = 1 / (c * Double(max(rows, 1)))
        let targets = labels.map { $0 ? 1.0 : 0.0 }
        let rowWeights = (sampleWeights ?? [Double](repeating: 1, count: rows)).map { $0 * scale }
        var minimizer = LBFGSMinimizer()
        minimizer.gradientTolerance = tolerance * initialGradientScale(matrix, targets: targets, rowWeights: rowWeights)
        minimizer.maxIterations = maxIterations
        let iterations = matrix.rowStarts.withUnsafeBufferPointer { starts in
            matrix.columns.withUnsafeBufferPointer { columns in
                matrix.values.withUnsafeBufferPointer { values in
                    targets.withUnsafeBufferPointer { targets in
                        rowWeights.withUnsafeBufferPointer { rowWeights in
                            minimizer.minimize(&parameters) { theta, gradient in
                                let bias = theta[d]
                                var loss = 0.0, biasGradient = 0.0, squares = 0.0
                                for j in 0..<d {
                                    gradient[j] = penalty * theta[j]
                                    squares += theta[j] * theta[j]
                                }
                                for i in 0..<rows {
                                    let range = starts[i]..<starts[i + 1]
                                    var z = bias
                                    for k in range { z += Double(values[k]) * theta[Int(columns[k])] }
                                    let y = targets[i], weight = rowWeights[i]
                                    // log(1 + e^z) − y·z, computed without overflow.
                                    loss += weight * (max(z, 0) + log1p(exp(-abs(z))) - y * z)
                                    let residual = weight * (sigmoid(z) - y)
                                    biasGradient += residual
                                    for k in range { gradient[Int(columns[k])] += residual * Double(values[k]) }
                                }
                                gradient[d] = biasGradient
                                return loss + 0.5 * penalty * squares
                            }
                        }
                    }
                }
            }
        }
        return (parameters, iterations)
    }

    /// The largest gradient component of the weights at w = 0, b = 0.
    private static func initialGradientScale(_ matrix: SparseMatrix, targets: [Double], rowWeights: [Double]) -> Double {
        var gradient = [Double](repeating: 0, count: matrix.columnCount)
        for i in 0..<matrix.rowCount {
            let residual = rowWeights[i] * (0.5 - targets[i])
            for k in matrix.rowStarts[i]..<matrix.rowStarts[i + 1] {
                gradient[Int(matrix.columns[k])] += residual * Double(matrix.values[k])
            }
        }
        // The bias is left out: with unbalanced classes its gradient dwarfs the weights' and made the tolerance so
        // loose that a warm-started fit stopped at once. With balanced weights it is zero, so those fits are unchanged.
        return max(gradient.reduce(0) { max($0, abs($1)) }, 1e-12)
    }
}
