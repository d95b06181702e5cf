import Autograd
import TensorCore

/// Stochastic gradient descent with optional momentum and weight decay — PyTorch's exact rule:
///
///     d = grad + weightDecay · p
///     buf = d                        (first step)
///     buf = momentum · buf + d       (later steps)
///     p  -= lr · buf                 (lr · d without momentum)
public final class SGD: Optimizer {
    public let parameters: [(name: String, variable: Variable)]
    public var learningRate: Float
    public var isFrozen = false
    public let momentum: Float
    public let weightDecay: Float
    /// The momentum buffer of each parameter (nil until its first step).
    public private(set) var momentumBuffers: [Tensor?]

    public init(_ parameters: [(name: String, variable: Variable)], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        momentumBuffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        guard !isFrozen else { return }
        for (i, (_, p)) in parameters.enumerated() {
            guard let grad = p.grad else { continue }
            var d = grad
            if weightDecay != 0 { d.addInPlace(p.value, scale: weightDecay) }
            if momentum != 0 {
                if var buf = momentumBuffers[i] {
                    momentumBuffers[i] = nil  // keep the buffer uniquely owned: update in place
                    buf.withUnsafeMutableBufferPointer { b in
                        d.withUnsafeBufferPointer { x in for j in 0..<b.count { b[j] = momentum * b[j] + x[j] } }
                    }
                    momentumBuffers[i] = buf
                } else {
                    momentumBuffers[i] = d
                }
                d = momentumBuffers[i]!
            }
            p.value.addInPlace(d, scale: -learningRate)
        }
    }

    public func stateDict() -> [(name: String, tensor: Tensor)] {
        parameters.enumerated().compactMap { i, p in momentumBuffers[i].map { (p.name + ".momentum_buffer", $0) } }
    }

    public func loadStateDict(_ state: [String: Tensor]) throws(CheckpointError) {
        var buffers = momentumBuffers
        for (i, (name, p)) in parameters.enumerated() {
            guard let t = state[name + ".momentum_buffer"] else { buffers[i] = nil; continue }
            guard t.shape == p.shape else { throw CheckpointError("\(name).momentum_buffer has shape \(describe(t.shape)), expected \(describe(p.shape))") }
            buffers[i] = t
        }
        momentumBuffers = buffers
    }
}
