/// Limited-memory BFGS for smooth convex objectives with hundreds of thousands of parameters, with a backtracking
/// line search on the Armijo condition. History vectors live in one flat buffer reused across iterations.
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
    func minimize(_ x: inout [Double],
                  objective: (_ x: UnsafeBufferPointer<Double>, _ gradient: UnsafeMutableBufferPointer<Double>) -> Double) -> Int {
        let n = x.count
        var storage = [Double](repeating: 0, count: n * (2 * memory + 4))
        return storage.withUnsafeMutableBufferPointer { storage in
            x.withUnsafeMutableBufferPointer { xBuffer in
                run(n: n, x: xBuffer.baseAddress!, storage: storage.baseAddress!, objective: objective)
            }
        }
    }

    private func run(n: Int, x: UnsafeMutablePointer<Double>, storage: UnsafeMutablePointer<Double>,
                     objective: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Double) -> Int {
        var x = x
        var gradient = storage, direction = storage + n, candidate = storage + 2 * n, candidateGradient = storage + 3 * n
        let history = storage + 4 * n
        // Slot k of the ring holds s (step) at history + 2kn and y (gradient change) at history + (2k + 1)n.
        func step(_ slot: Int) -> UnsafeMutablePointer<Double> { history + 2 * slot * n }
        func change(_ slot: Int) -> UnsafeMutablePointer<Double> { history + (2 * slot + 1) * n }
        var rhos = [Double](repeating: 0, count: memory), alphas = [Double](repeating: 0, count: memory)
        var newest = -1, stored = 0
        let original = x

        func evaluate(_ point: UnsafeMutablePointer<Double>, _ into: UnsafeMutablePointer<Double>) -> Double {
            objective(UnsafeBufferPointer(start: point, count: n), UnsafeMutableBufferPointer(start: into, count: n))
        }
        var value = evaluate(x, gradient)
        var iterations = maxIterations
        for iteration in 0..<maxIterations {
            if maxAbs(gradient, n) < gradientTolerance { iterations = iteration; break }
            for i in 0..<n { direction[i] = -gradient[i] }
            // Two-loop recursion: direction = −H·g, newest history first.
            for age in 0..<stored {
                let slot = (newest - age + memory) % memory
                alphas[slot] = rhos[slot] * dot(step(slot), direction, n)
                axpy(-alphas[slot], change(slot), direction, n)
            }
            var initialStep = 1.0
            if stored > 0 {
                let y = change(newest)
                scale(direction, by: 1 / (rhos[newest] * dot(y, y, n)), n)
            } else {
                initialStep = 1 / max(maxAbs(gradient, n), 1e-12)
            }
            for age in stride(from: stored - 1, through: 0, by: -1) {
                let slot = (newest - age + memory) % memory
                let beta = rhos[slot] * dot(change(slot), direction, n)
                axpy(alphas[slot] - beta, step(slot), direction, n)
            }
            var slope = dot(gradient, direction, n)
            if slope >= 0 {
                // Not a descent direction (numerical trouble): forget the history, use steepest descent.
                stored = 0
                for i in 0..<n { direction[i] = -gradient[i] }
                slope = dot(gradient, direction, n)
                initialStep = 1 / max(maxAbs(gradient, n), 1e-12)
            }
            var stepLength = initialStep, newValue = value, accepted = false
            for _ in 0..<40 {
                for i in 0..<n { candidate[i] = x[i] + stepLength * direction[i] }
                newValue = evaluate(candidate, candidateGradient)
                if newValue <= value + 1e-4 * stepLength * slope { accepted = true; break }
                stepLength *= 0.5
            }
            guard accepted else { iterations = iteration; break }
            let slot = (newest + 1) % memory
            let s = step(slot), y = change(slot)
            for i in 0..<n {
                s[i] = candidate[i] - x[i]
                y[i] = candidateGradient[i] - gradient[i]
            }
            let sy = dot(s, y, n)
            if sy > 1e-12 {
                rhos[slot] = 1 / sy
                newest = slot
                stored = min(stored + 1, memory)
            }
            swap(&x, &candidate)
            swap(&gradient, &candidateGradient)
            let decrease = value - newValue
            value = newValue
            if decrease <= relativeDecrease * max(abs(value), 1) { iterations = iteration + 1; break }
        }
        if x != original { original.update(from: x, count: n) }
        return iterations
    }

    @inline(__always)
    private func dot(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        var sum0 = 0.0, sum1 = 0.0, i = 0
        while i + 1 < n {
            sum0 += a[i] * b[i]
            sum1 += a[i + 1] * b[i + 1]
            i += 2
        }
        if i < n { sum0 += a[i] * b[i] }
        return sum0 + sum1
    }

    @inline(__always)
    private func axpy(_ alpha: Double, _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        for i in 0..<n { y[i] += alpha * x[i] }
    }

    @inline(__always)
    private func scale(_ x: UnsafeMutablePointer<Double>, by factor: Double, _ n: Int) {
        for i in 0..<n { x[i] *= factor }
    }

    @inline(__always)
    private func maxAbs(_ x: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
        var result = 0.0
        for i in 0..<n { result = max(result, abs(x[i])) }
        return result
    }
}
