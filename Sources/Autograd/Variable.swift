import TensorCore

/// A node of the computation graph: a tensor value, and — when it was computed from other
/// variables while gradients are on — the operation, its inputs, and how to send a gradient back.
///
/// Leaves are the tensors you create (weights, inputs); with `requiresGrad` they collect `.grad`
/// when `backward()` runs. Every other node is made by one of the primitives in `Derivatives.swift`.
public final class Variable {
    /// The tensor this node holds. Optimizers replace it in place on parameters.
    public var value: Tensor
    /// ∂(whatever `backward` started from)/∂(this), accumulated over `backward` calls until `zeroGrad`.
    public var grad: Tensor?
    /// Whether gradients flow to (and through) this node. On leaves it can be switched with
    /// `setRequiresGrad` (to freeze a network while another one learns through it).
    public private(set) var requiresGrad: Bool
    /// Keep `.grad` on this intermediate node too (leaves always keep theirs).
    public var retainsGrad = false
    /// The primitive that made this node (`"leaf"` for leaves), for the graph view.
    public let op: String
    /// The variables this node was computed from.
    public let inputs: [Variable]
    /// Given ∂L/∂(this), returns ∂L/∂(input) for each input (nil where no gradient is needed).
    let pullback: ((Tensor) -> [Tensor?])?
    /// An optional label for graph views (parameter names like `D.conv1.weight`).
    public var label: String?

    /// A leaf: a tensor you made. `requiresGrad: true` for weights and anything you want `.grad` of.
    public init(_ value: Tensor, requiresGrad: Bool = false, label: String? = nil) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.op = "leaf"
        self.inputs = []
        self.pullback = nil
        self.label = label
    }

    /// An interior node. Records the graph only when gradients are on and some input needs them.
    init(_ value: Tensor, op: String, inputs: [Variable], pullback: @escaping (Tensor) -> [Tensor?]) {
        self.value = value
        self.op = op
        let tracked = GradMode.isEnabled && inputs.contains { $0.requiresGrad }
        self.requiresGrad = tracked
        self.inputs = tracked ? inputs : []
        self.pullback = tracked ? pullback : nil
    }

    public var shape: [Int] { value.shape }

    /// Freezes (false) or unfreezes (true) a leaf. Operations recorded afterwards see the new setting.
    public func setRequiresGrad(_ on: Bool) {
        precondition(isLeaf, "only leaves can be frozen")
        requiresGrad = on
    }
    public var isLeaf: Bool { pullback == nil }

    /// The same value cut off from the graph: no gradient flows through it.
    public func detach() -> Variable { Variable(value) }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { grad = nil }

    /// Reverse-mode differentiation from this node. `seed` is ∂L/∂(this): ones by default, so
    /// on a scalar loss `loss.backward()` fills `.grad` of every leaf with ∂loss/∂leaf.
    public func backward(_ seed: Tensor? = nil) {
        guard requiresGrad else { return }
        let order = topologicalOrder()
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed ?? .ones(value.shape)]
        for node in order.reversed() {
            guard let g = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            if node.isLeaf || node.retainsGrad {
                node.grad = node.grad.map { $0 + g } ?? g
            }
            guard let pullback = node.pullback else { continue }
            let inputGrads = Profiler.measure("∂" + node.op) { pullback(g) }
            for (input, gi) in Swift.zip(node.inputs, inputGrads) {
                guard input.requiresGrad, let gi else { continue }
                let key = ObjectIdentifier(input)
                if var existing = pending[key] {
                    pending[key] = nil  // unique owner, so the in-place add does not copy
                    existing.addInPlace(gi)
                    pending[key] = existing
                } else {
                    pending[key] = gi
                }
            }
        }
    }

    /// Every node this one depends on (itself last), each after all of its inputs.
    public func topologicalOrder() -> [Variable] {
        var order: [Variable] = []
        var seen = Set<ObjectIdentifier>()
        // Iterative depth-first search: deep graphs (long training loops by hand) must not overflow the stack.
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs.reversed() where !seen.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}

/// Whether operations record the graph. Off inside `noGrad { … }` (evaluation, optimizer updates).
public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording any graph: results have no history and need no memory for it.
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}
