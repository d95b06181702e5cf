import Autograd
import TensorCore

/// A layer or a network of layers, PyTorch style: call it on an input, list its parameters by
/// hierarchical name (`D.conv1.weight`), switch it between training and evaluation.
///
/// Subclasses register what they own in `init` — parameters, buffers (state that is saved but not
/// trained, like BatchNorm's running statistics) and child modules — explicitly, in PyTorch's order,
/// so that `stateDict()` has exactly PyTorch's names and order. No reflection.
open class Module {
    /// Trainable tensors owned directly by this module, in registration order.
    public private(set) var ownParameters: [(name: String, variable: Variable)] = []
    /// Saved, untrained state owned directly by this module.
    public private(set) var ownBuffers: [(name: String, tensor: Tensor)] = []
    /// Sub-modules, by name.
    public private(set) var children: [(name: String, module: Module)] = []
    /// Training mode (BatchNorm uses batch statistics, Dropout drops); `eval()` turns it off.
    public private(set) var isTraining = true

    public init() {}

    /// The computation. Subclasses override this.
    open func forward(_ x: Variable) -> Variable { x }

    /// `layer(x)`.
    public func callAsFunction(_ x: Variable) -> Variable {
        children.isEmpty ? Profiler.measure(typeName) { forward(x) } : forward(x)
    }

    /// The PyTorch class name (`Linear`, `Conv2d`…).
    open var typeName: String { String(describing: type(of: self)) }

    /// Constructor arguments as PyTorch prints them: `in_features=784, out_features=512`.
    open var settings: String { "" }

    /// Whether each row of the output depends only on the same row of the input, with nothing drawn at
    /// random: then m(concat(a, b)) = concat(m(a), m(b)) up to the order of float sums (a product's
    /// kernel may depend on the batch size), and a caller may run two batches as one
    /// (D's update runs the real and the fake batch in one pass: one product per layer, each twice as
    /// tall). False unless a module says otherwise: BatchNorm mixes a batch's rows in training, Dropout
    /// draws its masks row after row, and a module written elsewhere has promised nothing.
    open var isRowWise: Bool { false }

    // MARK: Registration

    /// Registers a trainable parameter (a leaf with `requiresGrad`) under `name`.
    public func register(_ name: String, _ parameter: Variable) {
        precondition(parameter.requiresGrad, "parameter \(name) must require grad")
        if parameter.label == nil { parameter.label = name }
        ownParameters.append((name, parameter))
    }

    public func addBuffer(_ name: String, _ value: Tensor) { ownBuffers.append((name, value)) }

    public func buffer(_ name: String) -> Tensor {
        ownBuffers.first { $0.name == name }!.tensor
    }

    public func setBuffer(_ name: String, _ value: Tensor) {
        let i = ownBuffers.firstIndex { $0.name == name }!
        ownBuffers[i].tensor = value
    }

    @discardableResult
    public func addChild<M: Module>(_ name: String, _ module: M) -> M {
        children.append((name, module))
        return module
    }

    // MARK: Walking the tree

    /// Every parameter with its full name, depth-first in registration order: `conv1.weight`, `conv1.bias`, …
    public func namedParameters(prefix: String = "") -> [(name: String, variable: Variable)] {
        ownParameters.map { (prefix + $0.name, $0.variable) }
            + children.flatMap { $0.module.namedParameters(prefix: prefix + $0.name + ".") }
    }

    public var parameters: [Variable] { namedParameters().map(\.variable) }

    /// Number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Parameters then buffers of each module, children after: PyTorch's `state_dict()` order and names.
    public func stateDict(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        ownParameters.map { (prefix + $0.name, $0.variable.value) }
            + ownBuffers.map { (prefix + $0.name, $0.tensor) }
            + children.flatMap { $0.module.stateDict(prefix: prefix + $0.name + ".") }
    }

    /// Replaces every parameter and buffer from `state` (names as in `stateDict`). Throws, changing
    /// nothing, if a name is missing or a shape differs.
    public func loadStateDict(_ state: [String: Tensor], prefix: String = "") throws(CheckpointError) {
        for (name, current) in stateDict(prefix: prefix) {
            guard let t = state[name] else { throw CheckpointError("checkpoint has no tensor \(name)") }
            guard t.shape == current.shape else {
                throw CheckpointError("\(name) has shape \(describe(t.shape)) in the checkpoint, the model needs \(describe(current.shape))")
            }
        }
        assign(state, prefix: prefix)
    }

    private func assign(_ state: [String: Tensor], prefix: String) {
        for (name, v) in ownParameters { v.value = state[prefix + name]! }
        for i in ownBuffers.indices { ownBuffers[i].tensor = state[prefix + ownBuffers[i].name]! }
        for (name, child) in children { child.assign(state, prefix: prefix + name + ".") }
    }

    /// Freezes (false) or unfreezes every parameter: a frozen network still passes gradients through
    /// to its inputs but computes none for its own weights.
    public func setRequiresGrad(_ on: Bool) { parameters.forEach { $0.setRequiresGrad(on) } }

    /// Clears the gradients of every parameter.
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    public func train(_ on: Bool = true) {
        isTraining = on
        children.forEach { $0.module.train(on) }
    }

    public func eval() { train(false) }

    /// All modules in the tree with their names (the root is "").
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        [(prefix, self)] + children.flatMap { $0.module.namedModules(prefix: prefix.isEmpty ? $0.name : prefix + "." + $0.name) }
    }

    /// A PyTorch-style printout: `Linear(in_features=5, out_features=3, bias=True)`, nested for containers.
    public func summary(indent: String = "") -> [String] {
        if children.isEmpty { return [indent + "\(typeName)(\(settings))"] }
        var lines = [indent + "\(typeName)("]
        for (name, child) in children {
            var sub = child.summary(indent: indent + "  ")
            sub[0] = indent + "  (\(name)): " + sub[0].dropFirst(indent.count + 2)
            lines += sub
        }
        return lines + [indent + ")"]
    }
}
