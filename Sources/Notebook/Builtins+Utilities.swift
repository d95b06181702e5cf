import Autograd
import CellLanguage
import Datasets
import Foundation
import GANLab
import NN
import TensorCore

extension Builtins {
    static let utilityBuiltins: [Builtin] = [
        define("print", "print(value, …)", "Prints values separated by spaces.", example: "print(\"loss\", loss)", topic: "notebook") { args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 64)
            let parts = args.positional.map { v -> [String] in
                if case .string(let s) = v.value { return [s] }
                return interp.format(v.value)
            }
            // One line when every part is one line; else each part on its own lines.
            if parts.allSatisfy({ $0.count == 1 }) { interp.emit([parts.map { $0[0] }.joined(separator: " ")]) } else { interp.emit(parts.flatMap { $0 }) }
            return .none
        },
        define("len", "len(x)", "The number of items: list length, a tensor's first size, a dataset's training examples.", example: "len([1, 2, 3])", topic: "notebook") { args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 1)
            let (v, r) = try args.required(0, "x")
            switch v {
            case .list(let l): return .number(Double(l.count))
            case .string(let s): return .number(Double(s.count))
            case .tensor(let t):
                guard t.value.rank > 0 else { throw CellError(.type, "a 0-d tensor has no length", at: r) }
                return .number(Double(t.shape[0]))
            case .dataset(let d): return .number(Double(d.train.count))
            case .module(let m as Sequential): return .number(Double(m.layers.count))
            default: throw CellError(.type, "a \(v.typeName) has no length", at: r)
            }
        },
        define(
            "range", "range(stop) or range(start, stop, step=1)", "The whole numbers start, start+step, … below stop (for loops).",
            example: "for i in range(3): print(i)", topic: "notebook"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 3)
            var start = 0, stop = try args.int(0, "stop", in: WholeNumber.widest)
            if args.positional.count >= 2 { start = stop; stop = try args.int(1, "stop", in: WholeNumber.widest) }
            let step = try args.int(2, "step", default: 1, in: WholeNumber.widest)
            guard step != 0 else { throw CellError(.value, "range step cannot be zero", at: args.range) }
            let count = max(0, (stop - start + step + (step > 0 ? -1 : 1)) / step)
            guard count <= Interpreter.maximumLoopIterations else {
                throw CellError(.limit, "range(\(start), \(stop)) has \(count) numbers; at most \(Interpreter.maximumLoopIterations)", at: args.range)
            }
            return .list(stride(from: start, to: stop, by: step).map { .number(Double($0)) })
        },
        define("abs", "abs(x)", "|x| for a number or element by element for a tensor.", example: "abs(-3)", topic: "maths") { args, _ throws(CellError) in
            try args.accept(keywords: ["x"], maxPositional: 1)
            let (v, _) = try args.required(0, "x")
            if let x = v.asNumber { return .number(Swift.abs(x)) }
            return .tensor(try args.tensor(0, "x").abs())
        },
        define(
            "median", "median(values)", "The middle value of a list of numbers or of a tensor's elements (the mean of the two middle ones for an even count).",
            example: "median([3, 1, 2])", topic: "maths"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: ["values"], maxPositional: 1)
            let (v, r) = try args.required(0, "values")
            var xs: [Double] = []
            switch v {
            case .list(let items):
                for item in items {
                    guard let x = item.asNumber else { throw CellError(.type, "median takes numbers, got \(item.typeName)", at: r) }
                    xs.append(x)
                }
            case .tensor(let t): xs = t.value.scalars.map(Double.init)
            default: throw CellError(.type, "median takes a list of numbers or a tensor, got \(v.typeName)", at: r)
            }
            guard !xs.isEmpty else { throw CellError(.value, "median of nothing", at: r) }
            guard xs.allSatisfy({ !$0.isNaN }) else { throw CellError(.value, "median of values that include NaN", at: r) }
            return .number(median(xs))
        },
        extremum("max", larger: true),
        extremum("min", larger: false),
        define("round", "round(x, digits=0)", "A number rounded to some decimal places.", example: "round(3.14159, 2)", topic: "notebook") { args, _ throws(CellError) in
            try args.accept(keywords: ["x", "digits"], maxPositional: 2)
            let x = try args.number(0, "x"), d = try args.int(1, "digits", default: 0, in: -300...300)
            let m = Foundation.pow(10.0, Double(max(min(d, 12), -12)))
            return .number((x * m).rounded() / m)
        },
        define("float", "float(x)", "A number from a one-element tensor, a bool or a string.", example: "float(loss)", topic: "notebook") { args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 1)
            let (v, r) = try args.required(0, "x")
            if case .string(let s) = v {
                guard let x = Double(s.trimmingCharacters(in: .whitespaces)) else { throw CellError(.value, "'\(s)' is not a number", at: r) }
                return .number(x)
            }
            return .number(try args.number(0, "x"))
        },
        define("int", "int(x)", "A whole number (rounded toward zero).", example: "int(3.7)", topic: "notebook") { args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 1)
            let x = try args.number(0, "x")
            guard x.isFinite else { throw CellError(.value, "can't make a whole number of \(formatLiteral(x))", at: args.range) }
            return .number(x.rounded(.towardZero))
        },
        define("str", "str(x)", "The text of a value, as print shows it.", example: "str(3) + \" steps\"", topic: "notebook") { args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 1)
            let (v, _) = try args.required(0, "x")
            if case .string = v { return v }
            return .string(interp.format(v).joined(separator: "\n"))
        },
        define("type", "type(x)", "The type of a value, as a string.", example: "type(zeros(2))", topic: "notebook") { args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 1)
            return .string(try args.required(0, "x").value.typeName)
        },
        define(
            "help", "help(x) or help()", "Help on a builtin, a method or a value (also: x?); help() lists the topics.",
            example: "help(randn)", topic: "notebook"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 1)
            if let (v, _) = args.value(0, "x") { interp.emit(interp.help(for: v)) } else { interp.emit(interp.topicsHelp()) }
            return .none
        },
        define("vars", "vars()", "The session's variables with their types and shapes.", example: "vars()", topic: "notebook") { args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            interp.emit(interp.variablesTable())
            return .none
        },
        define(
            "quick", "quick(a, b)", "a in quick mode (CI runs lessons quickly), b otherwise: lessons use it for training lengths.",
            example: "steps = quick(50, 2000)", topic: "notebook"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 2)
            return interp.quickMode ? try args.required(0, "a").value : try args.required(1, "b").value
        },
        define(
            "seed", "seed(n)", "Restarts the session's random generator from n: the same seed gives the same numbers.",
            example: "seed(0); randn(2)", topic: "notebook"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["n"], maxPositional: 1)
            interp.reseed(try args.seed(0, "n", default: interp.seed))
            return .none
        },
    ]

    /// max/min of numbers or a list (Python), or of a tensor (all elements, or along dim).
    static func extremum(_ name: String, larger: Bool) -> Builtin {
        define(
            name, "\(name)(x, dim=None) or \(name)(a, b, …)", "The \(larger ? "largest" : "smallest") value: of numbers, of a list, or of a tensor (along dim).",
            example: "\(name)(x, dim=1)", topic: "maths"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: ["x", "dim", "keepdim"], maxPositional: 16)
            let first = try args.required(0, "x")
            if case .tensor(let t) = first.value, args.positional.count <= 2 {
                guard t.value.count > 0 else { throw CellError(.value, "\(name) of an empty tensor", at: args.range) }
                let keep = try args.bool(nil, "keepdim", default: false)
                if let axis = try axisArgument(args, 1, rank: max(t.value.rank, 1)) {
                    return .tensor(liftingScalars(t) { x in larger ? x.max(axis: axis, keepDims: keep) : -((-x).max(axis: axis, keepDims: keep)) })
                }
                return .tensor(Variable(larger ? t.value.max() : t.value.min()))
            }
            var values: [(Double, SourceRange)] = []
            let items: [(value: Value, range: SourceRange)]
            if args.positional.count == 1, case .list(let list) = first.value { items = list.map { ($0, first.range) } } else { items = args.positional }
            for (v, r) in items {
                guard let x = v.asNumber else { throw CellError(.type, "\(name) compares numbers, got \(v.typeName)", at: r) }
                values.append((x, r))
            }
            guard let best = (larger ? values.max { $0.0 < $1.0 } : values.min { $0.0 < $1.0 }) else {
                throw CellError(.value, "\(name) of nothing", at: args.range)
            }
            return .number(best.0)
        }
    }
}
