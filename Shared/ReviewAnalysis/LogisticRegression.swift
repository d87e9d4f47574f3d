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
    /// - Returns: the model and the raw solution, to warm-start the next fit.
    public static func fit(_ matrix: SparseMatrix, labels: [Bool], c: Double, sampleWeights: [Double]? = nil,
                           warmStart: [Double]? = nil) -> (model: LogisticRegression, solution: [Double]) {
        precondition(matrix.rowCount == labels.count && c > 0)
        let d = matrix.columnCount, rows = matrix.rowCount
        var parameters = warmStart ?? [Double](repeating: 0, count: d + 1)
        precondition(parameters.count == d + 1)
        // The objective is divided by the row count so the gradient tolerance means the same at any data size.
        let scale = 1 / Double(max(rows, 1)), penalty = 1 / (c * Double(max(rows, 1)))
        var minimizer = LBFGSMinimizer()
        minimizer.gradientTolerance = 1e-6
        minimizer.maxIterations = 1000
        minimizer.minimize(&parameters) { theta, gradient in
            theta.withUnsafeBufferPointer { theta in
                gradient.withUnsafeMutableBufferPointer { gradient in
                    matrix.rowStarts.withUnsafeBufferPointer { starts in
                        matrix.columns.withUnsafeBufferPointer { columns in
                            matrix.values.withUnsafeBufferPointer { values in
                                let bias = theta[d]
                                var loss = 0.0, biasGradient = 0.0, squares = 0.0
                                for j in 0..<d {
                                    gradient[j] = penalty * theta[j]
                                    squares += theta[j] * theta[j]
                                }
                                for i in 0..<rows {
                                    var z = bias
                                    for k in starts[i]..<starts[i + 1] { z += Double(values[k]) * theta[Int(columns[k])] }
                                    let weight = (sampleWeights?[i] ?? 1) * scale
                                    let y = labels[i] ? 1.0 : 0.0
                                    // log(1 + e^z) − y·z, computed without overflow.
                                    loss += weight * (max(z, 0) + log1p(exp(-abs(z))) - y * z)
                                    let residual = weight * (sigmoid(z) - y)
                                    biasGradient += residual
                                    for k in starts[i]..<starts[i + 1] {
                                        gradient[Int(columns[k])] += residual * Double(values[k])
                                    }
                                }
                                gradient[d] = biasGradient
                                return loss + 0.5 * penalty * squares
                            }
                        }
                    }
                }
            }
        }
        let model = LogisticRegression(weights: parameters[0..<d].map { Float($0) }, bias: parameters[d])
        return (model, parameters)
    }
}
