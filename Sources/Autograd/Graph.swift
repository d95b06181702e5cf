import TensorCore

/// "Show me the graph": one entry per node, inputs before the nodes that use them.
public struct GraphNode: Sendable {
    public let id: Int
    public let op: String
    public let label: String?
    public let shape: [Int]
    public let inputs: [Int]
    public let value: Tensor
    public let grad: Tensor?
}

extension Variable {
    /// The graph that produced this variable, in evaluation order, with values and (after backward) gradients.
    public func graph() -> [GraphNode] {
        let order = topologicalOrder()
        var ids: [ObjectIdentifier: Int] = [:]
        for (i, node) in order.enumerated() { ids[ObjectIdentifier(node)] = i }
        return order.enumerated().map { i, node in
            GraphNode(
                id: i, op: node.op, label: node.label, shape: node.shape,
                inputs: node.inputs.map { ids[ObjectIdentifier($0)]! }, value: node.value, grad: node.grad)
        }
    }
}
