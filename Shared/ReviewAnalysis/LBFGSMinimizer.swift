/// Limited-memory BFGS for smooth convex objectives with hundreds of thousands of parameters, with a backtracking
/// line search on the Armijo condition.
struct LBFGSMinimizer {
    var memory = 10
    var maxIterations = 500
    /// Stop when the largest gradient component falls below this.
    var gradientTolerance = 1e-5
    /// Stop when an iteration improves the objective by less than this fraction.
    var relativeDecrease = 1e-10

    /// Minimises `objective` (which returns f(x) and writes ∇f(x) into its second argument) starting from `x`.
    /// Returns the number of iterations used.
    @discardableResult
    func minimize(_ x: inout [Double], objective: (_ x: [Double], _ gradient: inout [Double]) -> Double) -> Int {
        let n = x.count
        var gradient = [Double](repeating: 0, count: n)
        var value = objective(x, &gradient)
        var steps: [[Double]] = [], gradientChanges: [[Double]] = [], rhos: [Double] = []
        var direction = [Double](repeating: 0, count: n)
        var candidate = [Double](repeating: 0, count: n)
        var candidateGradient = [Double](repeating: 0, count: n)
        var alphas = [Double](repeating: 0, count: memory)

        for iteration in 0..<maxIterations {
            if maxAbs(gradient) < gradientTolerance { return iteration }
            // Two-loop recursion: direction = -H·g.
            for i in 0..<n { direction[i] = -gradient[i] }
            for k in stride(from: steps.count - 1, through: 0, by: -1) {
                alphas[k] = rhos[k] * dot(steps[k], direction)
                axpy(-alphas[k], gradientChanges[k], &direction)
            }
            var initialStep = 1.0
            if let s = steps.last, let y = gradientChanges.last {
                scale(&direction, by: dot(s, y) / dot(y, y))
            } else {
                initialStep = 1 / max(maxAbs(gradient), 1e-12)
            }
            for k in 0..<steps.count {
                let beta = rhos[k] * dot(gradientChanges[k], direction)
                axpy(alphas[k] - beta, steps[k], &direction)
            }
            var slope = dot(gradient, direction)
            if slope >= 0 {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                steps.removeAll(); gradientChanges.removeAll(); rhos.removeAll()
                for i in 0..<n { direction[i] = -gradient[i] }
                slope = dot(gradient, direction)
                initialStep = 1 / max(maxAbs(gradient), 1e-12)
            }
            var step = initialStep, newValue = value, accepted = false
            for _ in 0..<40 {
                for i in 0..<n { candidate[i] = x[i] + step * direction[i] }
                newValue = objective(candidate, &candidateGradient)
                if newValue <= value + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { return iteration }
            var s = [Double](repeating: 0, count: n), y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                s[i] = candidate[i] - x[i]
                y[i] = candidateGradient[i] - gradient[i]
            }
            let sy = dot(s, y)
            if sy > 1e-12 {
                if steps.count == memory { steps.removeFirst(); gradientChanges.removeFirst(); rhos.removeFirst() }
                steps.append(s); gradientChanges.append(y); rhos.append(1 / sy)
            }
            swap(&x, &candidate)
            swap(&gradient, &candidateGradient)
            let decrease = value - newValue
            value = newValue
            if decrease <= relativeDecrease * max(abs(value), 1) { return iteration + 1 }
        }
        return maxIterations
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in 0..<a.count { sum += a[i] * b[i] }
        return sum
    }

    private func axpy(_ a: Double, _ x: [Double], _ y: inout [Double]) {
        for i in 0..<x.count { y[i] += a * x[i] }
    }

    private func scale(_ x: inout [Double], by factor: Double) {
        for i in 0..<x.count { x[i] *= factor }
    }

    private func maxAbs(_ x: [Double]) -> Double {
        var result = 0.0
        for value in x { result = max(result, abs(value)) }
        return result
    }
}
