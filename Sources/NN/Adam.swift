import Autograd
import TensorCore

#if canImport(Glibc)
    import Glibc
#endif

/// Adam — PyTorch's exact update (weight decay added to the gradient, as `torch.optim.Adam` does):
///
///     g  = grad + weightDecay · p
///     m  = β₁ · m + (1 − β₁) · g            first moment (mean of gradients)
///     v  = β₂ · v + (1 − β₂) · g²           second moment (mean of squared gradients)
///     t += 1
///     p -= lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
public final class Adam: Optimizer {
    public let parameters: [(name: String, variable: Variable)]
    public var learningRate: Float
    public var isFrozen = false
    public let beta1: Float
    public let beta2: Float
    public let eps: Float
    public let weightDecay: Float
    /// Steps taken by each parameter, and its moments (nil before its first step).
    public private(set) var steps: [Int]
    public private(set) var firstMoments: [Tensor?]
    public private(set) var secondMoments: [Tensor?]

    public init(
        _ parameters: [(name: String, variable: Variable)], learningRate: Float = 1e-3,
        betas: (Float, Float) = (0.9, 0.999), eps: Float = 1e-8, weightDecay: Float = 0
    ) {
        self.parameters = parameters
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        steps = Array(repeating: 0, count: parameters.count)
        firstMoments = Array(repeating: nil, count: parameters.count)
        secondMoments = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        guard !isFrozen else { return }
        Profiler.measure("Adam") { update() }
    }

    private func update() {
        for (i, (_, p)) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            var m = firstMoments[i] ?? .zeros(p.shape)
            var v = secondMoments[i] ?? .zeros(p.shape)
            firstMoments[i] = nil; secondMoments[i] = nil  // unique owners: update in place
            steps[i] += 1
            // The bias corrections are scalars: computed in Double, as PyTorch does in Python floats.
            let t = Double(steps[i])
            let stepSize = Float(Double(learningRate) / (1 - Glibc.pow(Double(beta1), t)))
            let correction2Root = Float((1 - Glibc.pow(Double(beta2), t)).squareRoot())
            grad.withUnsafeBufferPointer { gb in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        p.value.withUnsafeMutableBufferPointer { pb in
                            AdamKernel.update(
                                parameters: pb.baseAddress!, gradient: gb.baseAddress!, firstMoment: mb.baseAddress!,
                                secondMoment: vb.baseAddress!, count: pb.count, beta1: beta1, beta2: beta2,
                                stepSize: stepSize, correction2Root: correction2Root, eps: eps, weightDecay: weightDecay)
                        }
                    }
                }
            }
            firstMoments[i] = m
            secondMoments[i] = v
        }
    }

    public func stateDict() -> [(name: String, tensor: Tensor)] {
        parameters.enumerated().flatMap { i, p -> [(name: String, tensor: Tensor)] in
            guard let m = firstMoments[i], let v = secondMoments[i] else { return [] }
            return [(p.name + ".step", Tensor(Float(steps[i]))), (p.name + ".exp_avg", m), (p.name + ".exp_avg_sq", v)]
        }
    }

    public func loadStateDict(_ state: [String: Tensor]) throws(CheckpointError) {
        var (s, m, v) = (steps, firstMoments, secondMoments)
        for (i, (name, p)) in parameters.enumerated() {
            guard let step = state[name + ".step"], let mi = state[name + ".exp_avg"], let vi = state[name + ".exp_avg_sq"] else {
                (s[i], m[i], v[i]) = (0, nil, nil)
                continue
            }
            guard mi.shape == p.shape, vi.shape == p.shape else {
                throw CheckpointError("optimizer state for \(name) has shape \(describe(mi.shape)), expected \(describe(p.shape))")
            }
            // A step count is one whole number; a corrupt one must not trap in Int(_:) or overflow later.
            guard step.scalars.count == 1, let count = step.scalars.first, count.isFinite, count >= 0, count <= 1e9,
                count == count.rounded()
            else {
                throw CheckpointError("optimizer state \(name).step must be one whole number from 0 to 1e9, got \(step.scalars.prefix(3))")
            }
            guard !vi.scalars.contains(where: { $0 < 0 }) else {
                throw CheckpointError("optimizer state \(name).exp_avg_sq must not be negative (it is a running mean of squares)")
            }
            (s[i], m[i], v[i]) = (Int(count), mi, vi)
        }
        (steps, firstMoments, secondMoments) = (s, m, v)
    }
}
