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

    public init(
        function: String, positional: [(value: Value, range: SourceRange)],
        keywords: [String: (value: Value, range: SourceRange)], range: SourceRange
    ) {
        (self.function, self.positional, self.keywords, self.range) = (function, positional, keywords, range)
    }

    /// Refuses keywords the function does not know (with a suggestion) and too many positional values.
    public func accept(keywords allowed: [String], maxPositional: Int) throws(CellError) {
        for (name, entry) in keywords where !allowed.contains(name) {
            throw CellError(
                .type, "\(function)() has no argument '\(name)'", at: entry.range,
                hint: nearestName(to: name, in: allowed).map { "did you mean '\($0)'?" }
                    ?? (allowed.isEmpty ? nil : "its arguments: " + allowed.joined(separator: ", ")))
        }
        if positional.count > maxPositional {
            throw CellError(
                .type, "\(function)() takes at most \(maxPositional) positional argument\(maxPositional == 1 ? "" : "s"), got \(positional.count)",
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
        guard let x = WholeNumber.number(v) else { throw CellError(.type, "\(name) must be a number, got \(v.typeName)", at: r) }
        return x
    }

    /// A whole number within `bounds`, through the one door (`WholeNumber`): every count, step, size
    /// and seed a builtin takes states the range it must meet.
    public func int(_ index: Int?, _ name: String, default d: Int? = nil, in bounds: ClosedRange<Int>) throws(CellError) -> Int {
        guard let (v, r) = value(index, name) else {
            if let d { return d }
            throw CellError(.type, "\(function)() needs the argument '\(name)'", at: range)
        }
        return try WholeNumber.convert(v, name, in: bounds, at: r)
    }

    /// A count of things that each cost work (steps, samples, rounds): 0 or 1 up to `maximum`.
    public func count(_ index: Int?, _ name: String, default d: Int? = nil, from lower: Int = 0, max maximum: Int) throws(CellError) -> Int {
        try int(index, name, default: d, in: lower...maximum)
    }

    /// A seed: any whole number from 0 to 2⁵³.
    public func seed(_ index: Int?, _ name: String = "seed", default d: UInt64) throws(CellError) -> UInt64 {
        guard value(index, name) != nil else { return d }
        return UInt64(try int(index, name, in: 0...(1 << 53)))
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

    /// A shape given as separate numbers `zeros(2, 3)`, as a list `zeros([2, 3])`, or as keyword `size`;
    /// refused when a tensor of it would exceed the budget.
    public func shape(from start: Int, name: String = "size") throws(CellError) -> [Int] {
        var values: [(Value, SourceRange)] = []
        if let (v, r) = keywords[name] { values = [(v, r)] } else { values = positional.dropFirst(start).map { ($0.value, $0.range) } }
        if values.count == 1, case .list(let items) = values[0].0 { values = items.map { ($0, values[0].1) } }
        if values.count == 1, case .tensor(let t) = values[0].0, t.value.rank == 1 { values = t.value.scalars.map { (.number(Double($0)), values[0].1) } }
        var shape: [Int] = []
        for (v, r) in values {
            shape.append(try WholeNumber.convert(v, "a size", in: 0...Interpreter.maximumElements, at: r))
        }
        try Interpreter.checkBudget(shape, at: range)
        return shape
    }
}
