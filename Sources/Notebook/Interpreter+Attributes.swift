import Autograd
import CellLanguage
import Datasets
import NN
import TensorCore

extension Interpreter {
    /// Builtins that are also tensor methods: `x.exp()` is `exp(x)`, `x.sum(dim=0)` is `sum(x, dim=0)`.
    static let tensorMethodBuiltins: Set<String> = [
        "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "leaky_relu", "clamp", "sum", "mean", "std", "var",
        "max", "min", "argmax", "argmin", "softmax", "log_softmax", "backward", "zero_grad", "detach", "matmul",
    ]

    /// Tensor attributes and the methods that are not builtins.
    static let tensorTable = MemberTable<Variable>([
        .property("shape", "x.shape", "The sizes of the axes, outermost first.", example: "randn(2, 3).shape", topic: "tensors") { .list($0.shape.map { .number(Double($0)) }) },
        .property("ndim", "x.ndim", "The number of axes.", example: "zeros(2, 3).ndim", topic: "tensors") { .number(Double($0.value.rank)) },
        .property("T", "x.T", "The transpose (last two axes swapped).", example: "x.T", topic: "tensors") { $0.value.rank >= 2 ? .tensor($0.transposed()) : .tensor($0) },
        .property("grad", "x.grad", "∂(last backward's loss)/∂x, once backward has run; None before.", example: "w.grad", topic: "autograd") { $0.grad.map { .tensor(Variable($0)) } ?? Value.none },
        .property("requires_grad", "x.requires_grad", "Whether gradients flow to x (set it on tensors you create).", example: "w.requires_grad = True", topic: "autograd") { .bool($0.requiresGrad) },
        .property("is_leaf", "x.is_leaf", "True for tensors you made, False for computed ones.", example: "(w * 2).is_leaf", topic: "autograd") { .bool($0.isLeaf) },
        .method("item", "x.item()", "The number in a one-element tensor.", example: "loss.item()", topic: "tensors") { t, args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            guard t.value.count == 1 else { throw CellError(.value, "item() needs a one-element tensor, this one has shape \(describe(t.shape))", at: args.range) }
            return .number(Double(t.value.scalars[0]))
        },
        .method("tolist", "x.tolist()", "The values as (nested) lists.", example: "arange(3).tolist()", topic: "tensors") { t, _, _ in Interpreter.nestedList(t.value) },
        .method("numel", "x.numel()", "The number of elements.", example: "zeros(2, 3).numel()", topic: "tensors") { t, _, _ in .number(Double(t.value.count)) },
        .method("size", "x.size(dim=None)", "The shape, or the size of one axis.", example: "x.size(0)", topic: "tensors") { t, args, _ throws(CellError) in
            try args.accept(keywords: ["dim"], maxPositional: 1)
            guard let axis = try Builtins.axisArgument(args, 0, rank: t.value.rank) else { return .list(t.shape.map { .number(Double($0)) }) }
            return .number(Double(t.shape[axis]))
        },
        .method("reshape", "x.reshape(*shape)", "The same values in a new shape; one size may be -1.", example: "arange(6).reshape(2, 3)", topic: "tensors") { t, args, interp throws(CellError) in
            try args.accept(keywords: ["shape"], maxPositional: 8)
            let shape = try Interpreter.signedShape(args)
            let target = try interp.shapeChecked(args.range) { () throws(ShapeError) in try Tensor.reshapeShape(t.shape, to: shape) }
            return .tensor(t.reshaped(target))
        },
        .method("view", "x.view(*shape)", "Same as reshape.", example: "x.view(-1, 784)", topic: "tensors") { t, args, interp throws(CellError) in
            try args.accept(keywords: ["shape"], maxPositional: 8)
            let shape = try Interpreter.signedShape(args)
            let target = try interp.shapeChecked(args.range) { () throws(ShapeError) in try Tensor.reshapeShape(t.shape, to: shape) }
            return .tensor(t.reshaped(target))
        },
        .method("flatten", "x.flatten(start_dim=0)", "Axes from start_dim on merged into one.", example: "images.flatten(1)", topic: "tensors") { t, args, _ throws(CellError) in
            try args.accept(keywords: ["start_dim"], maxPositional: 1)
            guard t.value.rank > 0 else { return .tensor(t.reshaped([1])) }
            let start =
                try Builtins.axisArgument(
                    Arguments(
                        function: "flatten", positional: args.positional,
                        keywords: args.keywords["start_dim"].map { ["dim": $0] } ?? [:], range: args.range), 0, rank: t.value.rank) ?? 0
            return .tensor(t.flattened(from: start))
        },
        .method("squeeze", "x.squeeze(dim=None)", "Without size-1 axes.", example: "zeros(1, 3).squeeze()", topic: "tensors") { t, args, _ throws(CellError) in
            try args.accept(keywords: ["dim"], maxPositional: 1)
            guard t.value.rank > 0 else { return .tensor(t) }
            return .tensor(t.squeezed(axis: try Builtins.axisArgument(args, 0, rank: t.value.rank)))
        },
        .method("unsqueeze", "x.unsqueeze(dim)", "With a new size-1 axis at dim.", example: "x.unsqueeze(0)", topic: "tensors") { t, args, _ throws(CellError) in
            try args.accept(keywords: ["dim"], maxPositional: 1)
            let d = try args.int(0, "dim", in: -(t.value.rank + 1)...t.value.rank)
            return .tensor(t.unsqueezed(axis: d))
        },
        .method("transpose", "x.transpose(a, b)", "Axes a and b swapped.", example: "x.transpose(0, 1)", topic: "tensors") { t, args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 2)
            let r = t.value.rank
            guard r >= 1 else { throw CellError(.value, "a 0-d tensor has no axes to transpose", at: args.range) }
            let a = try args.int(0, "dim0", default: r >= 2 ? r - 2 : 0, in: -r...(r - 1)), b = try args.int(1, "dim1", default: r >= 2 ? r - 1 : 0, in: -r...(r - 1))
            return .tensor(t.transposed(a, b))
        },
        .method("permute", "x.permute(*dims)", "Axes reordered.", example: "x.permute(0, 2, 3, 1)", topic: "tensors") { t, args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 8)
            let dims = try Interpreter.signedShape(args, "dim", in: -max(t.value.rank, 1)...max(t.value.rank - 1, 0)).map { $0 < 0 ? $0 + t.value.rank : $0 }
            guard dims.count == t.value.rank, Set(dims) == Set(0..<t.value.rank) else {
                throw CellError(.value, "permute needs each of 0…\(t.value.rank - 1) once, got \(dims)", at: args.range)
            }
            return .tensor(t.permuted(dims))
        },
        .method("pow", "x.pow(p)", "xᵖ element by element.", example: "x.pow(2)", topic: "maths") { t, args, _ throws(CellError) in
            try args.accept(keywords: ["p"], maxPositional: 1)
            return .tensor(t.pow(Float(try args.number(0, "p"))))
        },
        .method("retain_grad", "x.retain_grad()", "Keep .grad on this computed tensor after backward.", example: "h.retain_grad()", topic: "autograd") { t, _, _ in
            t.retainsGrad = true; return .none
        },
        .method("any", "x.any()", "True if any element is non-zero.", example: "(x > 0).any()", topic: "tensors") { t, _, _ in .bool(t.value.scalars.contains { $0 != 0 }) },
        .method("all", "x.all()", "True if every element is non-zero.", example: "(x > 0).all()", topic: "tensors") { t, _, _ in .bool(t.value.scalars.allSatisfy { $0 != 0 }) },
    ])

    /// What every model has; its own parameters, buffers and children come first (`net.fc`, `conv.weight`).
    static let moduleTable = MemberTable<Module>([
        .method("parameters", "model.parameters()", "The trainable tensors (for an optimizer).", example: "opt = SGD(net.parameters(), lr=0.1)", topic: "layers") { m, _, _ in
            .list(m.parameters.map { .tensor($0) })
        },
        .method("named_parameters", "model.named_parameters()", "[name, tensor] pairs, with PyTorch's names.", example: "net.named_parameters()", topic: "layers") { m, _, _ in
            .list(m.namedParameters().map { .list([.string($0.name), .tensor($0.variable)]) })
        },
        .method("train", "model.train()", "Training mode: BatchNorm uses batch statistics, Dropout drops.", example: "net.train()", topic: "layers") { m, _, _ in
            m.train(); return .module(m)
        },
        .method("eval", "model.eval()", "Evaluation mode: BatchNorm uses running statistics, Dropout does nothing.", example: "net.eval()", topic: "layers") { m, _, _ in
            m.eval(); return .module(m)
        },
        .method("zero_grad", "model.zero_grad()", "Clears every parameter's .grad.", example: "net.zero_grad()", topic: "layers") { m, _, _ in
            m.zeroGrad(); return .none
        },
        .property("num_params", "model.num_params", "How many trainable numbers it has.", example: "net.num_params", topic: "layers") { .number(Double($0.parameterCount)) },
    ])

    static let optimizerTable = MemberTable<Optimizer>([
        .method("step", "opt.step()", "Updates every parameter from its .grad.", example: "opt.step()", topic: "optimizers") { o, _, _ in
            o.step(); return .none
        },
        .method("zero_grad", "opt.zero_grad()", "Clears the parameters' .grad (do it before each backward).", example: "opt.zero_grad()", topic: "optimizers") { o, _, _ in
            o.zeroGrad(); return .none
        },
        .property("lr", "opt.lr", "The learning rate (can be changed).", example: "opt.lr = 0.01", topic: "optimizers") { .number(Double($0.learningRate)) },
    ])

    func attribute(_ base: Value, _ name: String, at range: SourceRange) throws(CellError) -> Value {
        if let v = try member(base, name, at: range) { return v }
        let known = memberNames(base)
        guard !known.isEmpty else { throw CellError(.type, "a \(base.typeName) has no attribute '\(name)'", at: range) }
        throw noAttribute(base, name, at: range, known: known)
    }

    /// `base.name` from the member table of base's kind; nil if there is no such member.
    func member(_ base: Value, _ name: String, at range: SourceRange) throws(CellError) -> Value? {
        switch base {
        case .tensor(let t):
            if let v = Interpreter.tensorTable.value(name, of: t) { return v }
            guard Interpreter.tensorMethodBuiltins.contains(name), let b = Builtins.table[name] else { return nil }
            return .function(
                Function(name: name, help: b.help, isBoundMethod: true) { args, interp throws(CellError) in
                    try b.function.call(Arguments(function: name, positional: [(.tensor(t), range)] + args.positional, keywords: args.keywords, range: args.range), interp)
                })
        case .module(let m):
            if let p = m.ownParameters.first(where: { $0.name == name }) { return .tensor(p.variable) }
            if let b = m.ownBuffers.first(where: { $0.name == name }) { return .tensor(Variable(b.tensor)) }
            if let c = m.children.first(where: { $0.name == name }) { return .module(c.module) }
            return Interpreter.moduleTable.value(name, of: m)
        case .optimizer(let o): return Interpreter.optimizerTable.value(name, of: o)
        case .dataset(let d): return ImageDataset.table.value(name, of: d)
        case .object(let o): return try o.attribute(name, interpreter: self)
        default: return nil
        }
    }

    func noAttribute(_ base: Value, _ name: String, at range: SourceRange, known: [String]) -> CellError {
        CellError(.name, "a \(base.typeName) has no attribute '\(name)'", at: range, hint: nearestName(to: name, in: known).map { "did you mean '\($0)'?" })
    }

    func setAttribute(_ base: Value, _ name: String, _ value: Value, at range: SourceRange) throws(CellError) {
        switch (base, name) {
        case (.optimizer(let o), "lr"):
            guard let lr = value.asNumber, lr >= 0, lr.isFinite else { throw CellError(.value, "lr must be a number ≥ 0", at: range) }
            o.learningRate = Float(lr)
        case (.tensor(let t), "requires_grad"):
            guard case .bool(let on) = value else { throw CellError(.type, "requires_grad is True or False", at: range) }
            guard t.isLeaf else { throw CellError(.value, "only tensors you created (leaves) can change requires_grad", at: range) }
            t.setRequiresGrad(on)
        default:
            throw CellError(.type, "can't set '\(name)' on a \(base.typeName)", at: range)
        }
    }

    /// Sizes like `reshape(2, -1)` or `reshape([2, -1])`, negatives allowed.
    static func signedShape(_ args: Arguments, _ what: String = "a size", in bounds: ClosedRange<Int> = -1...Interpreter.maximumElements) throws(CellError) -> [Int] {
        var values = args.positional.map(\.value)
        if let k = args.keywords["shape"] { values = [k.value] }
        if values.count == 1, case .list(let items) = values[0] { values = items }
        var out: [Int] = []
        for v in values { out.append(try WholeNumber.convert(v, what, in: bounds, at: args.range)) }
        return out
    }

    /// A tensor's values as nested lists of numbers.
    static func nestedList(_ t: Tensor) -> Value {
        guard t.rank > 0 else { return .number(Double(t.scalars[0])) }
        return .list((0..<t.shape[0]).map { nestedList(t[TensorIndex.at($0)]) })
    }
}
