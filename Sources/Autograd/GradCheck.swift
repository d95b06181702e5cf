import TensorCore

/// Compares autograd's gradients with central finite differences, the way a learner would check by hand.
public enum GradCheck {
    public struct Result: CustomStringConvertible {
        /// Largest |analytic − numeric| / (atol + rtol·|numeric|) over all inputs and elements; ≤ 1 passes.
        public let worst: Double
        public let worstInput: Int
        public let worstIndex: Int
        public let analytic: Double
        public let numeric: Double
        public var passed: Bool { worst <= 1 }
        public var description: String {
            "worst at input \(worstInput)[\(worstIndex)]: analytic \(analytic), numeric \(numeric) (score \(worst))"
        }
    }

    /// Checks ∂f/∂inputs for `L = Σ w ⊙ f(inputs)` with fixed pseudo-random weights w (so every output
    /// element matters). The numeric side is (L(x + ε) − L(x − ε)) / 2ε with L summed in Double.
    public static func check(
        _ inputs: [Tensor], epsilon: Float = 1e-2, rtol: Double = 2e-2, atol: Double = 2e-3,
        _ f: ([Variable]) -> Variable
    ) -> Result {
        let leaves = inputs.map { Variable($0, requiresGrad: true) }
        let out = f(leaves)
        var g = SeededGenerator(seed: 99)
        let weights = Tensor.rand(out.shape, low: 0.5, high: 1.5, using: &g)
        out.backward(weights)

        func loss(_ xs: [Tensor]) -> Double {
            let y = noGrad { f(xs.map { Variable($0) }) }.value
            var s: Double = 0
            for i in 0..<y.count { s += Double(y.scalars[i]) * Double(weights.scalars[i]) }
            return s
        }

        var result = Result(worst: 0, worstInput: -1, worstIndex: -1, analytic: 0, numeric: 0)
        for (k, x) in inputs.enumerated() {
            let analytic = leaves[k].grad ?? .zeros(x.shape)
            for i in 0..<x.count {
                var plus = inputs, minus = inputs
                plus[k].withUnsafeMutableBufferPointer { $0[i] += epsilon }
                minus[k].withUnsafeMutableBufferPointer { $0[i] -= epsilon }
                let numeric = (loss(plus) - loss(minus)) / (2 * Double(epsilon))
                let a = Double(analytic.scalars[i])
                let score = Swift.abs(a - numeric) / (atol + rtol * Swift.abs(numeric))
                if score > result.worst || result.worstInput < 0 {
                    result = Result(worst: score, worstInput: k, worstIndex: i, analytic: a, numeric: numeric)
                }
            }
        }
        return result
    }
}
