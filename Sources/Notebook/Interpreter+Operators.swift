import Autograd
import CellLanguage
import Foundation
import NN
import TensorCore

extension Interpreter {
    func unary(_ op: String, _ v: Value, range: SourceRange) throws(CellError) -> Value {
        switch (op, v) {
        case ("not", _): return .bool(!(try v.truthy(at: range)))
        case ("-", .number(let x)): return .number(-x)
        case ("+", .number(let x)): return .number(x)
        case ("-", .bool(let b)): return .number(b ? -1 : 0)
        case ("-", .tensor(let t)): return .tensor(-t)
        case ("+", .tensor): return v
        default: throw CellError(.type, "can't apply unary \(op) to a \(v.typeName)", at: range)
        }
    }

    /// Python's arithmetic on numbers, strings and lists; element-wise with broadcasting on tensors.
    func binary(_ op: String, _ a: Value, _ b: Value, range: SourceRange, leftRange: SourceRange, rightRange: SourceRange) throws(CellError) -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return try numbers(op, x, y, range: range, rightRange: rightRange)
        case (.bool, _), (_, .bool):
            if let x = a.asNumber, let y = b.asNumber { return try numbers(op, x, y, range: range, rightRange: rightRange) }
        case (.string(let x), .string(let y)):
            switch op {
            case "+":
                try Interpreter.checkBudget(count: x.utf8.count + y.utf8.count, of: "a string", at: range)
                return .string(x + y)
            case "==": return .bool(x == y)
            case "!=": return .bool(x != y)
            case "<": return .bool(x < y)
            case ">": return .bool(x > y)
            default: break
            }
        case (.list(let x), .list(let y)) where op == "+":
            try Interpreter.checkBudget(count: x.count + y.count, of: "a list", at: range)
            return .list(x + y)
        case (.list(let x), .number(let n)) where op == "*":
            // Python's repetition; its length meets the same budget as a tensor's elements.
            let times = try WholeNumber.convert(n, "a list's repeat count", in: 0...Interpreter.maximumElements, at: rightRange)
            let (total, overflow) = x.count.multipliedReportingOverflow(by: times)
            try Interpreter.checkBudget(count: overflow ? Int.max : total, of: "a list", at: range)
            return .list(Array(repeating: x, count: times).flatMap { $0 })
        case (.none, .none) where op == "==" || op == "!=":
            return .bool(op == "==")
        default:
            break
        }
        if op == "==" || op == "!=", let same = Value.structurallyEqual(a, b) { return .bool(op == "==" ? same : !same) }
        if case .tensor = a { return try tensors(op, a, b, range: range, leftRange: leftRange, rightRange: rightRange) }
        if case .tensor = b { return try tensors(op, a, b, range: range, leftRange: leftRange, rightRange: rightRange) }
        if op == "==" { return .bool(false) }
        if op == "!=" { return .bool(true) }
        throw CellError(.type, "can't \(Interpreter.verb(op)) a \(a.typeName) and a \(b.typeName)", at: range)
    }

    static func verb(_ op: String) -> String {
        switch op {
        case "+": return "add (+)"
        case "-": return "subtract (-)"
        case "*": return "multiply (*)"
        case "/", "//": return "divide (\(op))"
        case "@": return "matmul (@)"
        case "**": return "raise (**)"
        case "%": return "take the remainder (%) of"
        default: return "compare (\(op))"
        }
    }

    func numbers(_ op: String, _ x: Double, _ y: Double, range: SourceRange, rightRange: SourceRange) throws(CellError) -> Value {
        switch op {
        case "+": return .number(x + y)
        case "-": return .number(x - y)
        case "*": return .number(x * y)
        case "/":
            guard y != 0 else { throw CellError(.value, "division by zero", at: rightRange) }
            return .number(x / y)
        case "//":
            guard y != 0 else { throw CellError(.value, "division by zero", at: rightRange) }
            return .number((x / y).rounded(.down))
        case "%":
            guard y != 0 else { throw CellError(.value, "division by zero", at: rightRange) }
            let r = x.truncatingRemainder(dividingBy: y)
            return .number(r != 0 && (r < 0) != (y < 0) ? r + y : r)  // Python: the sign of the divisor
        case "**": return .number(Foundation.pow(x, y))
        case "==": return .bool(x == y)
        case "!=": return .bool(x != y)
        case "<": return .bool(x < y)
        case "<=": return .bool(x <= y)
        case ">": return .bool(x > y)
        case ">=": return .bool(x >= y)
        case "@": throw CellError(.type, "@ is matrix multiplication: it needs tensors, not numbers", at: range)
        default: throw CellError(.syntax, "unknown operator \(op)", at: range)
        }
    }

    func tensors(_ op: String, _ a: Value, _ b: Value, range: SourceRange, leftRange: SourceRange, rightRange: SourceRange) throws(CellError) -> Value {
        let x = try Interpreter.asTensor(a, at: leftRange, what: "the left side")
        let y = try Interpreter.asTensor(b, at: rightRange, what: "the right side")
        if op == "@" {
            _ = try shapeChecked(range) { () throws(ShapeError) in try Tensor.matmulShape(x.shape, y.shape) }
            guard x.value.rank >= 1, y.value.rank >= 1 else {
                throw CellError(.shape, "can't matmul \(describe(x.shape)) @ \(describe(y.shape)): both need at least one axis", at: range)
            }
            // A large product stops between blocks at Ctrl-C; its unfinished result is thrown away here.
            let product = Interruption.abandonable { Autograd.matmul(x, y) }
            try checkInterrupt(at: range)
            return .tensor(product)
        }
        let shape = try shapeChecked(range) { () throws(ShapeError) in try Tensor.broadcastShape(x.shape, y.shape) }
        try Interpreter.checkBudget(shape, at: range)
        switch op {
        case "+": return .tensor(x + y)
        case "-": return .tensor(x - y)
        case "*": return .tensor(x * y)
        case "/": return .tensor(x / y)
        case "**":
            guard y.value.count == 1 else { throw CellError(.type, "the exponent must be a single number", at: rightRange) }
            return .tensor(x.pow(y.value.scalars[0]))
        case "//": return .tensor(Variable(Tensor.zip(x.value, y.value) { ($0 / $1).rounded(.down) }))
        case "%":
            return .tensor(
                Variable(
                    Tensor.zip(x.value, y.value) { r, d in
                        let m = r.truncatingRemainder(dividingBy: d); return m != 0 && (m < 0) != (d < 0) ? m + d : m
                    }))
        case "==": return .tensor(Variable(x.value .== y.value))
        case "!=": return .tensor(Variable(x.value .!= y.value))
        case "<": return .tensor(Variable(x.value .< y.value))
        case "<=": return .tensor(Variable(x.value .<= y.value))
        case ">": return .tensor(Variable(x.value .> y.value))
        case ">=": return .tensor(Variable(x.value .>= y.value))
        default: throw CellError(.syntax, "unknown operator \(op)", at: range)
        }
    }

    // MARK: Indexing

    func index(_ base: Value, _ subscripts: [Subscript], at range: SourceRange) throws(CellError) -> Value {
        switch base {
        case .tensor(let t):
            let indices = try tensorIndices(subscripts, shape: t.shape)
            _ = try shapeChecked(range) { () throws(ShapeError) in try t.value.resolve(indices) }
            return .tensor(t[indices])
        case .list(let items):
            guard subscripts.count == 1 else { throw CellError(.type, "a list takes one index", at: range) }
            switch subscripts[0] {
            case .at(let e): return items[try WholeNumber.index(try evaluate(e), count: items.count, container: "list", at: e.range)]
            case .slice(let a, let b, let c):
                let s = TensorIndex.slice(start: try optionalInt(a), end: try optionalInt(b), step: try optionalInt(c) ?? 1)
                let positions = try shapeChecked(range) { () throws(ShapeError) in try s.positions(size: items.count, axis: 0) }
                return .list(positions.map { items[$0] })
            }
        case .string(let s):
            let chars = Array(s).map { Value.string(String($0)) }
            guard case .list(let picked) = try index(.list(chars), subscripts, at: range) else {
                return try index(.list(chars), subscripts, at: range)
            }
            return .string(
                picked.map {
                    if case .string(let c) = $0 { return c }; return ""
                }.joined())
        case .module(let m as Sequential):
            guard subscripts.count == 1, case .at(let e) = subscripts[0] else { throw CellError(.type, "a Sequential takes one index", at: range) }
            return .module(m.layers[try WholeNumber.index(try evaluate(e), count: m.layers.count, container: "Sequential", at: e.range)])
        default:
            throw CellError(.type, "a \(base.typeName) can't be indexed", at: range)
        }
    }

    func optionalInt(_ e: Expr?) throws(CellError) -> Int? {
        guard let e else { return nil }
        let v = try evaluate(e)
        if case .none = v { return nil }
        // Bounds beyond the container are clamped by the engine, as Python does; beyond ±2⁵³ is a typo.
        return try WholeNumber.convert(v, "a slice bound", in: WholeNumber.widest, at: e.range)
    }

    /// Subscripts as engine indices; the engine's `resolve` then checks them against the shape.
    func tensorIndices(_ subscripts: [Subscript], shape: [Int]) throws(CellError) -> [TensorIndex] {
        var out: [TensorIndex] = []
        for s in subscripts {
            switch s {
            case .at(let e):
                let v = try evaluate(e)
                guard WholeNumber.number(v) != nil else {
                    throw CellError(.type, "tensor indices must be whole numbers or slices, got \(v.typeName)", at: e.range)
                }
                out.append(.at(try WholeNumber.convert(v, "a tensor index", in: WholeNumber.widest, at: e.range)))
            case .slice(let a, let b, let c):
                let step = try optionalInt(c) ?? 1
                guard step != 0 else { throw CellError(.value, "slice step cannot be zero", at: c?.range) }
                out.append(.slice(start: try optionalInt(a), end: try optionalInt(b), step: step))
            }
        }
        return out
    }
}

extension Value {
    /// Python's `==` on plain values: numbers, bools, strings, None and lists of them (element by element).
    /// nil when either side is a tensor (which compares element-wise instead) or an object.
    static func structurallyEqual(_ a: Value, _ b: Value) -> Bool? {
        switch (a, b) {
        case (.tensor, _), (_, .tensor): return nil
        case (.list(let x), .list(let y)):
            guard x.count == y.count else { return false }
            for (p, q) in zip(x, y) {
                guard let same = structurallyEqual(p, q) else { return nil }
                if !same { return false }
            }
            return true
        case (.string(let x), .string(let y)): return x == y
        case (.none, .none): return true
        default:
            if let x = a.asNumber, let y = b.asNumber { return x == y }
            switch (a, b) {
            case (.none, _), (_, .none), (.string, _), (_, .string), (.list, _), (_, .list): return false
            default: return nil
            }
        }
    }

    /// A one-element tensor as its number (so `labels[argmax(p)]` works); anything else unchanged.
    var scalarNumber: Value {
        if case .tensor(let t) = self, t.value.count == 1 { return .number(Double(t.value.scalars[0])) }
        return self
    }

    /// Numbers and booleans as a Double (nil for anything else).
    var asNumber: Double? {
        switch self {
        case .number(let x): return x
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}
