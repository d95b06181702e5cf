import Autograd
import CellLanguage
import TensorCore

extension Builtins {
    static let tensorBuiltins: [Builtin] = [
        define(
            "tensor", "tensor(data, requires_grad=False)", "A tensor from a number or a (nested) list of numbers.",
            example: "x = tensor([[1, 2], [3, 4]])", topic: "tensors"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: ["data", "requires_grad"], maxPositional: 1)
            let t = try args.tensor(0, "data")
            return .tensor(Variable(t.value, requiresGrad: try args.bool(nil, "requires_grad", default: false)))
        },
        creation("zeros", "A tensor of zeros.", example: "zeros(2, 3)") { shape, _, _ in .zeros(shape) },
        creation("ones", "A tensor of ones.", example: "ones(2, 3)") { shape, _, _ in .ones(shape) },
        creation("rand", "Uniform random numbers in [0, 1), from the session's seeded generator.", example: "rand(3, 3)") { shape, _, interp in
            .rand(shape, using: &interp.generator)
        },
        creation("randn", "Normal random numbers (mean 0, standard deviation 1), from the session's seeded generator.", example: "randn(64, 100)") { shape, _, interp in
            .randn(shape, using: &interp.generator)
        },
        define("full", "full(size, value)", "A tensor filled with one value.", example: "full([2, 2], 7)", topic: "tensors") { args, _ throws(CellError) in
            try args.accept(keywords: ["size", "value", "requires_grad"], maxPositional: 2)
            let shape = try Arguments(function: "full", positional: Array(args.positional.prefix(1)), keywords: args.keywords.filter { $0.key == "size" }, range: args.range).shape(from: 0)
            return .tensor(Variable(.full(shape, Float(try args.number(1, "value"))), requiresGrad: try args.bool(nil, "requires_grad", default: false)))
        },
        define("randint", "randint(low, high, size)", "Random whole numbers in [low, high), as a float tensor.", example: "randint(0, 10, [5])", topic: "tensors") { args, interp throws(CellError) in
            try args.accept(keywords: ["low", "high", "size"], maxPositional: 3)
            let low = try args.int(0, "low", in: -(1 << 24)...(1 << 24)), high = try args.int(1, "high", in: -(1 << 24)...(1 << 24))
            guard high > low else { throw CellError(.value, "randint needs high > low, got \(low) and \(high)", at: args.range) }
            let shape = try Arguments(function: "randint", positional: Array(args.positional.dropFirst(2)), keywords: args.keywords.filter { $0.key == "size" }, range: args.range).shape(from: 0)
            return .tensor(Variable(.randint(low, high, shape, using: &interp.generator)))
        },
        define("arange", "arange(start=0, end, step=1)", "Evenly spaced values in [start, end).", example: "arange(0, 10, 2)", topic: "tensors") { args, _ throws(CellError) in
            try args.accept(keywords: ["start", "end", "step"], maxPositional: 3)
            var start = 0.0, end: Double
            if args.positional.count >= 2 || args.keywords["end"] != nil {
                start = try args.number(0, "start", default: 0); end = try args.number(1, "end")
            } else {
                end = try args.number(0, "end")
            }
            let step = try args.number(2, "step", default: 1)
            guard step != 0 else { throw CellError(.value, "arange step cannot be zero", at: args.range) }
            guard start.isFinite, end.isFinite, step.isFinite else {
                throw CellError(.value, "arange needs finite numbers, got \([start, end, step].map(formatLiteral).joined(separator: ", "))", at: args.range)
            }
            let count = ((end - start) / step).rounded(.up)
            guard count.isFinite, count <= Double(Interpreter.maximumElements) else {
                throw CellError(
                    .limit,
                    "arange(\(formatLiteral(start)), \(formatLiteral(end)), \(formatLiteral(step))) would have \(formatLiteral(count)) values; the notebook's budget is \(Interpreter.maximumElements) elements",
                    at: args.range)
            }
            return .tensor(Variable(.arange(Float(start), Float(end), step: Float(step))))
        },
        define("linspace", "linspace(start, end, steps)", "steps values from start to end, both included.", example: "linspace(-1, 1, 5)", topic: "tensors") { args, _ throws(CellError) in
            try args.accept(keywords: ["start", "end", "steps"], maxPositional: 3)
            let n = try args.count(2, "steps", max: Interpreter.maximumElements)
            return .tensor(Variable(.linspace(Float(try args.number(0, "start")), Float(try args.number(1, "end")), count: n)))
        },
        define("eye", "eye(n)", "The n×n identity matrix.", example: "eye(3)", topic: "tensors") { args, _ throws(CellError) in
            try args.accept(keywords: ["n"], maxPositional: 1)
            let n = try args.count(0, "n", max: Interpreter.maximumElements)
            try Interpreter.checkBudget([n, n], at: args.range)
            return .tensor(Variable(.eye(n)))
        },
        elementwise("exp", "eˣ, element by element.") { $0.exp() },
        elementwise("log", "The natural logarithm, element by element.") { $0.log() },
        elementwise("sqrt", "The square root, element by element.") { $0.sqrt() },
        elementwise("tanh", "tanh, squashing to (-1, 1).") { $0.tanh() },
        elementwise("sigmoid", "1 / (1 + e⁻ˣ), squashing to (0, 1).") { $0.sigmoid() },
        elementwise("relu", "max(x, 0).") { $0.relu() },
        define("leaky_relu", "leaky_relu(x, negative_slope=0.01)", "x where x > 0, else slope·x.", example: "leaky_relu(x, 0.2)", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["x", "negative_slope"], maxPositional: 2)
            return .tensor(try args.tensor(0, "x").leakyRelu(Float(try args.number(1, "negative_slope", default: 0.01))))
        },
        define("clamp", "clamp(x, min=None, max=None)", "Limits values to [min, max].", example: "clamp(x, min=0, max=1)", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["x", "min", "max"], maxPositional: 3)
            let lo = args.value(1, "min") == nil ? -Double.infinity : try args.number(1, "min")
            let hi = args.value(2, "max") == nil ? Double.infinity : try args.number(2, "max")
            return .tensor(try args.tensor(0, "x").clamp(min: Float(lo), max: Float(hi)))
        },
        reduction("sum", "The sum of all elements, or along dim.") { x, axes, keep in x.sum(axes: axes, keepDims: keep) },
        reduction("mean", "The mean of all elements, or along dim.") { x, axes, keep in x.mean(axes: axes, keepDims: keep) },
        reduction("std", "The standard deviation (unbiased, as PyTorch), of all elements or along dim.") { x, axes, keep in x.std(axes: axes, keepDims: keep) },
        reduction("var", "The variance (unbiased, as PyTorch), of all elements or along dim.") { x, axes, keep in x.variance(axes: axes, keepDims: keep) },
        axisFunction("argmax", "Where the largest value is (first on ties), overall or along dim.") { x, axis, keep in
            Variable(x.value.argmax(axis: axis, keepDims: keep))
        },
        axisFunction("argmin", "Where the smallest value is, overall or along dim.") { x, axis, keep in Variable(x.value.argmin(axis: axis, keepDims: keep)) },
        define("softmax", "softmax(x, dim=-1)", "e^x / Σ e^x along dim: turns scores into probabilities.", example: "softmax(tensor([1, 2, 3]))", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["x", "dim"], maxPositional: 2)
            let x = try args.tensor(0, "x")
            let axis = try axisArgument(args, 1, rank: max(x.value.rank, 1)) ?? -1
            return .tensor(liftingScalars(x) { $0.softmax(axis: axis) })
        },
        define("log_softmax", "log_softmax(x, dim=-1)", "log(softmax(x)), computed stably.", example: "log_softmax(logits, dim=1)", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["x", "dim"], maxPositional: 2)
            let x = try args.tensor(0, "x")
            let axis = try axisArgument(args, 1, rank: max(x.value.rank, 1)) ?? -1
            return .tensor(liftingScalars(x) { $0.logSoftmax(axis: axis) })
        },
        define("matmul", "matmul(a, b)", "The matrix product, as a @ b.", example: "matmul(randn(2, 3), randn(3, 4))", topic: "maths") { args, interp throws(CellError) in
            try args.accept(keywords: ["a", "b"], maxPositional: 2)
            let a = try args.required(0, "a"), b = try args.required(1, "b")
            return try interp.binary("@", a.value, b.value, range: args.range, leftRange: a.range, rightRange: b.range)
        },
        define("where", "where(condition, a, b)", "a where condition is non-zero, else b.", example: "where(x > 0, x, 0)", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["condition", "a", "b"], maxPositional: 3)
            let c = try args.tensor(0, "condition"), a = try args.tensor(1, "a"), b = try args.tensor(2, "b")
            do throws(ShapeError) { _ = try Tensor.broadcastShape(try Tensor.broadcastShape(c.shape, a.shape), b.shape) } catch {
                throw CellError(.shape, error.message, at: args.range)
            }
            return .tensor(Variable.where(c.value, a, b))
        },
        joiner("cat", "Tensors joined along an existing axis.", example: "cat([a, b], dim=0)") { parts, axis in Variable.concat(parts, axis: axis) },
        joiner("stack", "Tensors of one shape stacked along a new axis.", example: "stack([a, b])", newAxis: true) { parts, axis in Variable.stack(parts, axis: axis) },
    ]

    /// `name(*size, requires_grad=False)`: zeros(2, 3), zeros([2, 3]), zeros(size=[2, 3]).
    static func creation(
        _ name: String, _ summary: String, example: String,
        _ make: @escaping ([Int], Arguments, Interpreter) -> Tensor
    ) -> Builtin {
        define(name, "\(name)(*size, requires_grad=False)", summary, example: example, topic: "tensors") { args, interp throws(CellError) in
            try args.accept(keywords: ["size", "requires_grad"], maxPositional: 8)
            let shape = try args.shape(from: 0)
            return .tensor(Variable(make(shape, args, interp), requiresGrad: try args.bool(nil, "requires_grad", default: false)))
        }
    }

    static func elementwise(_ name: String, _ summary: String, _ f: @escaping (Variable) -> Variable) -> Builtin {
        define(name, "\(name)(x)", summary, example: "\(name)(tensor([0.5, 1, 2]))", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["x"], maxPositional: 1)
            return .tensor(f(try args.tensor(0, "x")))
        }
    }

    /// `dim` as axes: one number or a list, negatives from the end; nil when absent.
    static func axesArgument(_ args: Arguments, _ index: Int, rank: Int) throws(CellError) -> [Int]? {
        guard let (v, r) = args.value(index, "dim"),
            v.asNumber != nil
                || {
                    if case .list = v { return true }; return false
                }()
        else {
            if let (v, r) = args.value(index, "dim"), case .none = v { _ = r; return nil }
            if let (v, r) = args.value(index, "dim") { throw CellError(.type, "dim must be a number or a list of numbers, got \(v.typeName)", at: r) }
            return nil
        }
        let raw: [Value]
        if case .list(let items) = v { raw = items } else { raw = [v] }
        var axes: [Int] = []
        for item in raw { axes.append(try WholeNumber.axis(item, rank: rank, at: r)) }
        return axes
    }

    static func axisArgument(_ args: Arguments, _ index: Int, rank: Int) throws(CellError) -> Int? {
        guard let axes = try axesArgument(args, index, rank: rank) else { return nil }
        guard axes.count == 1 else { throw CellError(.type, "dim must be one axis here", at: args.range) }
        return axes[0]
    }

    /// A 0-d tensor seen as one axis of length 1 for `f`, and the result as 0-d again: PyTorch lets
    /// `sum(tensor(5.), dim=0)` and `softmax(tensor(5.), dim=0)` work on a single number this way.
    static func liftingScalars(_ x: Variable, _ f: (Variable) -> Variable) -> Variable {
        guard x.value.rank == 0 else { return f(x) }
        let y = f(x.reshaped([1]))
        return y.value.count == 1 ? y.reshaped([]) : y
    }

    static func reduction(_ name: String, _ summary: String, _ f: @escaping (Variable, [Int]?, Bool) -> Variable) -> Builtin {
        define(name, "\(name)(x, dim=None, keepdim=False)", summary, example: "\(name)(x, dim=0)", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["x", "dim", "keepdim"], maxPositional: 3)
            let x = try args.tensor(0, "x")
            guard x.value.count > 0 else { throw CellError(.value, "\(name) of an empty tensor", at: args.range) }
            let axes = try axesArgument(args, 1, rank: max(x.value.rank, 1)), keep = try args.bool(2, "keepdim", default: false)
            return .tensor(axes == nil ? f(x, nil, keep) : liftingScalars(x) { f($0, axes, keep) })
        }
    }

    static func axisFunction(_ name: String, _ summary: String, _ f: @escaping (Variable, Int?, Bool) -> Variable) -> Builtin {
        define(name, "\(name)(x, dim=None, keepdim=False)", summary, example: "\(name)(x, dim=1)", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["x", "dim", "keepdim"], maxPositional: 3)
            let x = try args.tensor(0, "x")
            guard x.value.count > 0 else { throw CellError(.value, "\(name) of an empty tensor", at: args.range) }
            let axis = try axisArgument(args, 1, rank: max(x.value.rank, 1)), keep = try args.bool(2, "keepdim", default: false)
            return .tensor(axis == nil ? f(x, nil, keep) : liftingScalars(x) { f($0, axis, keep) })
        }
    }

    static func joiner(
        _ name: String, _ summary: String, example: String, newAxis: Bool = false,
        _ f: @escaping ([Variable], Int) -> Variable
    ) -> Builtin {
        define(name, "\(name)(tensors, dim=0)", summary, example: example, topic: "tensors") { args, _ throws(CellError) in
            try args.accept(keywords: ["tensors", "dim"], maxPositional: 2)
            let (list, r) = try args.required(0, "tensors")
            guard case .list(let items) = list, !items.isEmpty else { throw CellError(.type, "\(name) takes a non-empty list of tensors", at: r) }
            var parts: [Variable] = []
            for item in items { parts.append(try Interpreter.asTensor(item, at: r, what: "each item")) }
            let rank = parts[0].value.rank + (newAxis ? 1 : 0)
            guard rank > 0 else { throw CellError(.shape, "cat joins tensors along an axis, and a 0-d tensor has none; use stack to make a vector of them", at: r) }
            let axis = try axisArgument(args, 1, rank: rank) ?? 0
            for p in parts {
                let ok =
                    newAxis
                    ? p.shape == parts[0].shape
                    : p.value.rank == parts[0].value.rank && zip(p.shape, parts[0].shape).enumerated().allSatisfy { $0.offset == axis || $0.element.0 == $0.element.1 }
                guard ok else {
                    throw CellError(.shape, "can't \(name) shapes " + parts.map { describe($0.shape) }.joined(separator: ", ") + " along dim \(axis)", at: r)
                }
            }
            return .tensor(f(parts, axis))
        }
    }
}
