import Autograd
import CellLanguage
import NN
import TensorCore

/// The arguments of one call, with their source ranges, and typed getters that explain mistakes:
/// `randn() needs argument 1 (size)`, `lr must be a number, got str`.
public struct Arguments {
    public let function: String
    public let positional: [(value: Value, range: SourceRange)]
    public let keywords: [String: (value: Value, range: SourceRange)]
    /// The whole call, for errors about it as a whole.
    public let range: SourceRange

    public init(function: String, positional: [(value: Value, range: SourceRange)],
                keywords: [String: (value: Value, range: SourceRange)], range: SourceRange) {
        (self.function, self.positional, self.keywords, self.range) = (function, positional, keywords, range)
    }

    /// Refuses keywords the function does not know (with a suggestion) and too many positional values.
    public func accept(keywords allowed: [String], maxPositional: Int) throws(CellError) {
        for (name, entry) in keywords where !allowed.contains(name) {
            throw CellError(.type, "\(function)() has no argument '\(name)'", at: entry.range,
                            hint: nearestName(to: name, in: allowed).map { "did you mean '\($0)'?" }
                                ?? (allowed.isEmpty ? nil : "its arguments: " + allowed.joined(separator: ", ")))
        }
        if positional.count > maxPositional {
            throw CellError(.type, "\(function)() takes at most \(maxPositional) positional argument\(maxPositional == 1 ? "" : "s"), got \(positional.count)",
                            at: positional[maxPositional].range)
        }
    }

    /// The value given at position `index` or as keyword `name`.
    public func value(_ index: Int?, _ name: String) -> (value: Value, range: SourceRange)? {
        if let entry = keywords[name] { return entry }
        if let index, index < positional.count { return positional[index] }
        return nil
    }

    public func required(_ index: Int?, _ name: String) throws(CellError) -> (value: Value, range: SourceRange) {
        guard let v = value(index, name) else {
            throw CellError(.type, "\(function)() needs the argument '\(name)'", at: range)
        }
        return v
    }

    public func number(_ index: Int?, _ name: String, default d: Double? = nil) throws(CellError) -> Double {
        guard let (v, r) = value(index, name) else {
            if let d { return d }
            throw CellError(.type, "\(function)() needs the argument '\(name)'", at: range)
        }
        switch v {
        case .number(let x): return x
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.value.count == 1: return Double(t.value.scalars[0])
        default: throw CellError(.type, "\(name) must be a number, got \(v.typeName)", at: r)
        }
    }

    public func int(_ index: Int?, _ name: String, default d: Int? = nil) throws(CellError) -> Int {
        guard value(index, name) != nil else {
            if let d { return d }
            throw CellError(.type, "\(function)() needs the argument '\(name)'", at: range)
        }
        let x = try number(index, name)
        let r = value(index, name)!.range
        guard x == x.rounded(), abs(x) < 1e12 else { throw CellError(.type, "\(name) must be a whole number, got \(formatLiteral(x))", at: r) }
        return Int(x)
    }

    public func bool(_ index: Int?, _ name: String, default d: Bool) throws(CellError) -> Bool {
        guard let (v, r) = value(index, name) else { return d }
        switch v {
        case .bool(let b): return b
        case .number(let x): return x != 0
        default: throw CellError(.type, "\(name) must be True or False, got \(v.typeName)", at: r)
        }
    }

    public func string(_ index: Int?, _ name: String, default d: String? = nil) throws(CellError) -> String {
        guard let (v, r) = value(index, name) else {
            if let d { return d }
            throw CellError(.type, "\(function)() needs the argument '\(name)'", at: range)
        }
        guard case .string(let s) = v else { throw CellError(.type, "\(name) must be a string, got \(v.typeName)", at: r) }
        return s
    }

    /// A tensor argument; numbers and (nested) lists of numbers are turned into tensors.
    public func tensor(_ index: Int?, _ name: String) throws(CellError) -> Variable {
        let (v, r) = try required(index, name)
        return try Interpreter.asTensor(v, at: r, what: name)
    }

    /// A shape given as separate numbers `zeros(2, 3)`, as a list `zeros([2, 3])`, or as keyword `size`.
    public func shape(from start: Int, name: String = "size") throws(CellError) -> [Int] {
        var values: [(Value, SourceRange)] = []
        if let (v, r) = keywords[name] { values = [(v, r)] } else { values = positional.dropFirst(start).map { ($0.value, $0.range) } }
        if values.count == 1, case .list(let items) = values[0].0 { values = items.map { ($0, values[0].1) } }
        if values.count == 1, case .tensor(let t) = values[0].0, t.value.rank == 1 { values = t.value.scalars.map { (.number(Double($0)), values[0].1) } }
        var shape: [Int] = []
        for (v, r) in values {
            guard case .number(let x) = v, x == x.rounded(), x >= 0, x < 1e9 else {
                throw CellError(.type, "sizes must be whole numbers ≥ 0, got " + (v.asNumber.map(formatLiteral) ?? v.typeName), at: r)
            }
            shape.append(Int(x))
        }
        return shape
    }
}
