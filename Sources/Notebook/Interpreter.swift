import Autograd
import CellLanguage
import Datasets
import Foundation
import NN
import Synchronization
import TensorCore
import TextPlot

/// Evaluates parsed cells against the engine. Owns the variables, the seeded random generator and
/// the outputs of the cell being run. Every mistake becomes a `CellError` with a source range.
public final class Interpreter {
    public var variables: [String: Value] = [:]
    public internal(set) var seed: UInt64
    public var generator: SeededGenerator
    public var display: DisplayStyle
    public var dataDirectory: DataDirectory?
    /// What the running cell has printed or drawn so far.
    public internal(set) var outputs: [Output] = []
    /// Where long work shows live progress (a progress line redrawn in place, animation frames) while
    /// a cell runs. The REPL sets it on a terminal; without it, progress becomes sparse output lines.
    public var live: ((LiveOutput) -> Void)?
    /// What the runner of this session told it: quick mode, frozen learning, the classifier's file.
    public var settings = SessionSettings()
    /// Quick mode (`ganbook run --quick`, CI): lessons cut long training through `quick(a, b)`.
    public var quickMode: Bool {
        get { settings.quickMode }
        set { settings.quickMode = newValue }
    }
    /// Classifiers trained by `gan.score()` to judge with, by dataset and length of training: the same
    /// recipe from the same seeds gives the same network, so it is trained once per session.
    var trainedJudges: [String: Module] = [:]
    /// How deep `evaluate` is in the tree of the expression it evaluates.
    var evaluationDepth = 0
    /// Loaded datasets, so `mnist()` reads its files once.
    var datasetCache: [DatasetName: ImageDataset] = [:]

    /// Limits that keep any input from hanging or exhausting the machine.
    public static let maximumLoopIterations = 10_000_000
    public static let maximumElements = 50_000_000

    public init(seed: UInt64 = 0, display: DisplayStyle = DisplayStyle(), dataDirectory: DataDirectory? = nil) {
        self.seed = seed
        self.generator = SeededGenerator(seed: seed)
        self.display = display
        self.dataDirectory = dataDirectory
    }

    /// Starts the random generator again from `seed`.
    public func reseed(_ seed: UInt64) {
        self.seed = seed
        generator = SeededGenerator(seed: seed)
    }

    /// Puts the seed and the random stream back exactly where they were (a workspace restored).
    public func restoreRandom(seed: UInt64, generator: SeededGenerator) {
        self.seed = seed
        self.generator = generator
    }

    public func emit(_ lines: [String]) { outputs.append(.text(lines)) }
    public func emit(_ canvas: Canvas) { outputs.append(.picture(canvas)) }

    /// Runs statements; returns the value of a final expression statement (the one a prompt echoes).
    public func run(_ statements: [Stmt]) throws(CellError) -> Value? {
        outputs = []
        var last: Value?
        for (i, statement) in statements.enumerated() {
            let v = try execute(statement)
            last = i == statements.count - 1 ? v : nil
        }
        return last
    }

    func execute(_ statement: Stmt) throws(CellError) -> Value? {
        try checkInterrupt(at: statement.range)
        switch statement {
        case .expression(let e):
            return try evaluate(e)
        case .assign(let target, let valueExpr, _):
            try assign(target, try evaluate(valueExpr))
            return nil
        case .augmentedAssign(let target, let op, let valueExpr, let range):
            let current = try evaluate(target)
            let result = try binary(op, current, try evaluate(valueExpr), range: range, leftRange: target.range, rightRange: valueExpr.range)
            try assign(target, result)
            return nil
        case .forLoop(let name, let iterableExpr, let body, _):
            let items = try iterate(try evaluate(iterableExpr), at: iterableExpr.range)
            guard items.count <= Interpreter.maximumLoopIterations else {
                throw CellError(.limit, "this loop would run \(items.count) times; a loop may run at most \(Interpreter.maximumLoopIterations) times", at: iterableExpr.range)
            }
            for i in 0..<items.count {  // each body statement hears Ctrl-C (`execute`)
                variables[name] = items.item(i)
                for s in body { _ = try execute(s) }
            }
            return nil
        case .help(let e, _):
            emit(try helpLines(for: e))
            return nil
        }
    }

    /// A file name from a cell, as the file system needs it: relative names are in the session's folder.
    public func resolve(_ path: String) -> String {
        guard let folder = settings.folder, !path.hasPrefix("/") else { return path }
        return (folder as NSString).appendingPathComponent(path)
    }

    /// Whether Ctrl-C asks the running work to stop (read, not cleared: `checkInterrupt` clears it).
    var stopRequested: Bool { isInterruptRequested }

    /// Whether Ctrl-C asked to stop, clearing the request: for loops that stop cleanly and say so.
    func takeStopRequest() -> Bool { interruptRequested.exchange(false, ordering: .relaxed) }

    public func checkInterrupt(at range: SourceRange?) throws(CellError) {
        if interruptRequested.exchange(false, ordering: .relaxed) {
            throw CellError(.interrupted, "stopped by Ctrl-C", at: range)
        }
    }

    /// The items a `for` loop visits — a list, a range, the characters of a string, the first axis of a
    /// tensor — made one at a time: `for r in zeros(50000000)` must not build 50 million rows first.
    func iterate(_ v: Value, at range: SourceRange) throws(CellError) -> (count: Int, item: (Int) -> Value) {
        switch v {
        case .list(let items): return (items.count, { items[$0] })
        case .string(let s):
            let characters = Array(s)
            return (characters.count, { .string(String(characters[$0])) })
        case .tensor(let t):
            guard t.value.rank > 0 else { throw CellError(.type, "can't loop over a 0-d tensor", at: range) }
            return (t.shape[0], { .tensor(t[[TensorIndex.at($0)]]) })
        default: throw CellError(.type, "can't loop over a \(v.typeName)", at: range)
        }
    }

    // MARK: Assignment

    func assign(_ target: Expr, _ value: Value) throws(CellError) {
        switch target {
        case .name(let n, let r):
            guard Builtins.table[n] == nil else {
                throw CellError(.name, "'\(n)' is a builtin; pick another name", at: r)
            }
            variables[n] = value
        case .index(let base, let subscripts, let range):
            let container = try evaluate(base)
            switch container {
            case .tensor(let t):
                guard !t.requiresGrad else {
                    throw CellError(.value, "can't write into a tensor that requires grad (it would break its gradient); write into x.detach() or a copy", at: range)
                }
                guard t.isLeaf else { throw CellError(.value, "can't write into a computed tensor; make a copy first", at: range) }
                let indices = try tensorIndices(subscripts, shape: t.shape)
                let (_, selected) = try shapeChecked(range) { () throws(ShapeError) in try t.value.resolve(indices) }
                let newValue = try Interpreter.asTensor(value, at: range, what: "the value").value
                // The value must broadcast to the selection without growing it.
                guard (try? Tensor.broadcastShape(newValue.shape, selected)) == selected else {
                    throw CellError(.shape, "can't put a value of shape \(describe(newValue.shape)) into a selection of shape \(describe(selected))", at: range)
                }
                t.value[indices] = newValue
            case .list(var items):
                guard subscripts.count == 1, case .at(let indexExpr) = subscripts[0] else {
                    throw CellError(.type, "a list takes one index", at: range)
                }
                let i = try WholeNumber.index(try evaluate(indexExpr), count: items.count, container: "list", at: indexExpr.range)
                items[i] = value
                try assign(base, .list(items))
            default:
                throw CellError(.type, "can't assign into a \(container.typeName)", at: base.range)
            }
        case .attribute(let base, let name, let range):
            try setAttribute(try evaluate(base), name, value, at: range)
        default:
            throw CellError(.syntax, "can't assign to this", at: target.range)
        }
    }

    // MARK: Expressions

    public func evaluate(_ e: Expr) throws(CellError) -> Value {
        // The parser bounds every tree; this second guard holds for trees made any other way.
        evaluationDepth += 1
        defer { evaluationDepth -= 1 }
        guard evaluationDepth <= Parser.maximumDepth + 8 else {
            throw CellError(.limit, "this is nested too deeply to evaluate (more than \(Parser.maximumDepth) levels)", at: e.range)
        }
        switch e {
        case .number(let v, _): return .number(v)
        case .string(let s, _): return .string(s)
        case .bool(let b, _): return .bool(b)
        case .none: return .none
        case .list(let items, _):
            var values: [Value] = []
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .name(let n, let r):
            if let v = variables[n] { return v }
            if let b = Builtins.table[n] { return .function(b.function) }
            throw CellError(
                .name, "'\(n)' is not defined", at: r,
                hint: nearestName(to: n, in: Array(variables.keys) + Array(Builtins.table.keys)).map { "did you mean '\($0)'?" })
        case .unary(let op, let operand, let r):
            let v = try evaluate(operand)
            return try unary(op, v, range: r)
        case .binary("and", let a, let b, let r):
            let left = try evaluate(a)
            return try left.truthy(at: r) ? try evaluate(b) : left
        case .binary("or", let a, let b, let r):
            let left = try evaluate(a)
            return try left.truthy(at: r) ? left : try evaluate(b)
        case .binary(let op, let a, let b, let r):
            return try binary(op, try evaluate(a), try evaluate(b), range: r, leftRange: a.range, rightRange: b.range)
        case .call(let callee, let args, let keywords, let r):
            let f = try evaluate(callee)
            var positional: [(value: Value, range: SourceRange)] = []
            for a in args { positional.append((try evaluate(a), a.range)) }
            var named: [String: (value: Value, range: SourceRange)] = [:]
            for k in keywords { named[k.name] = (try evaluate(k.value), k.range) }
            return try call(f, Arguments(function: Interpreter.calleeName(callee), positional: positional, keywords: named, range: r), at: callee.range)
        case .attribute(let base, let name, let r):
            return try attribute(try evaluate(base), name, at: r)
        case .index(let base, let subscripts, let r):
            return try index(try evaluate(base), subscripts, at: r)
        }
    }

    static func calleeName(_ e: Expr) -> String {
        switch e {
        case .name(let n, _): return n
        case .attribute(_, let n, _): return n
        default: return "this"
        }
    }

    func call(_ f: Value, _ args: Arguments, at range: SourceRange) throws(CellError) -> Value {
        switch f {
        case .function(let fn):
            do { return try fn.call(args, self) } catch { throw error.located(args.range) }
        case .module(let m):
            try args.accept(keywords: [], maxPositional: 1)
            let x = try args.tensor(0, "input")
            // A large forward pass stops between blocks at Ctrl-C; its unfinished result is thrown away here.
            let y = try Interruption.abandonable { () throws(CellError) in try Layers.forward(m, x, at: args.range) }
            try checkInterrupt(at: args.range)
            return .tensor(y)
        default:
            throw CellError(.type, "a \(f.typeName) can't be called", at: range)
        }
    }

    // MARK: Helpers shared by builtins

    /// Numbers, lists of numbers (nested, rectangular) and tensors as a tensor.
    public static func asTensor(_ v: Value, at range: SourceRange, what: String) throws(CellError) -> Variable {
        switch v {
        case .tensor(let t): return t
        case .number(let x): return Variable(Tensor(Float(x)))
        case .bool(let b): return Variable(Tensor(b ? 1 : 0))
        case .list:
            let (shape, scalars) = try flatten(v, at: range)
            return Variable(Tensor(shape: shape, scalars: scalars))
        default:
            throw CellError(.type, "\(what) must be a tensor or numbers, got \(v.typeName)", at: range)
        }
    }

    /// A nested list of numbers as (shape, row-major scalars); ragged lists are refused.
    static func flatten(_ v: Value, at range: SourceRange) throws(CellError) -> ([Int], [Float]) {
        switch v {
        case .number(let x): return ([], [Float(x)])
        case .bool(let b): return ([], [b ? 1 : 0])
        case .tensor(let t): return (t.shape, t.value.scalars)
        case .list(let items):
            var shape: [Int]? = nil
            var scalars: [Float] = []
            for item in items {
                let (s, values) = try flatten(item, at: range)
                if let shape, shape != s {
                    throw CellError(.shape, "the rows of this list have different lengths (\(describe(shape)) and \(describe(s)))", at: range)
                }
                shape = s
                scalars += values
            }
            return ([items.count] + (shape ?? []), scalars)
        default:
            throw CellError(.type, "a tensor can hold numbers only, not \(v.typeName)", at: range)
        }
    }

    /// Runs a shape computation, turning its `ShapeError` into a `CellError` at `range`.
    func shapeChecked<R>(_ range: SourceRange, _ body: () throws(ShapeError) -> R) throws(CellError) -> R {
        do { return try body() } catch { throw CellError(.shape, error.message, at: range) }
    }

    /// Refuses tensors beyond the memory budget before they are made.
    public static func checkBudget(_ shape: [Int], at range: SourceRange) throws(CellError) {
        var n = 1
        for s in shape {
            let (p, overflow) = n.multipliedReportingOverflow(by: max(s, 0))
            guard !overflow, p <= maximumElements else {
                throw CellError(.limit, "a tensor of shape \(describe(shape)) would need more than \(maximumElements / 250_000) MB; the notebook's budget is \(maximumElements) elements", at: range)
            }
            n = p
        }
    }

    /// Refuses lists and strings longer than the budget a tensor has, before they are made.
    public static func checkBudget(count: Int, of what: String, at range: SourceRange) throws(CellError) {
        guard count <= maximumElements else {
            throw CellError(.limit, "\(what) of \(count == Int.max ? "more than 2⁶³" : String(count)) items is beyond the notebook's budget of \(maximumElements)", at: range)
        }
    }
}
