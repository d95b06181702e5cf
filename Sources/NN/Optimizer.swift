import Autograd
import TensorCore

/// Updates parameters from their `.grad`. Parameters without a gradient are skipped, as in PyTorch.
public protocol Optimizer: AnyObject {
    /// The parameters, by name (names key the saved state).
    var parameters: [(name: String, variable: Variable)] { get }
    var learningRate: Float { get set }
    /// A frozen optimizer's `step` leaves every parameter as it is. `ganbook run --frozen` freezes every
    /// optimizer its session makes, so that the lesson tests can prove each check that claims learning
    /// fails when nothing learns (a check that passes anyway checks nothing).
    var isFrozen: Bool { get set }
    /// One update of every parameter that has a gradient.
    func step()
    /// The optimizer's state as named tensors (for checkpoints): counters and per-parameter buffers.
    func stateDict() -> [(name: String, tensor: Tensor)]
    /// Restores what `stateDict` saved.
    func loadStateDict(_ state: [String: Tensor]) throws(CheckpointError)
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGrad() { parameters.forEach { $0.variable.zeroGrad() } }
}
