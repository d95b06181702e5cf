import CellLanguage
import Foundation

/// One cell as PyTorch: the Python lines, the helpers they call (defined once at the top of a script),
/// and, when some of it has no PyTorch equivalent, why (the lines are then comments).
public struct TorchCell: Equatable, Sendable {
    /// Python source, one statement per line (a `for` body indented under it).
    public var lines: [String]
    /// Names of `TorchHelpers` the lines call (`show`, `mnist`, `GAN`…), in first-use order.
    public var helpers: [String]
    /// "no PyTorch equivalent: …" when the cell, or a name it reads, has none; nil when all of it translated.
    public var missing: String?
}

/// Translates cells of the cell language into PyTorch, one cell at a time, remembering what earlier cells
/// made: the kind of each variable (a tensor's `.zero_grad()` is `w.grad = None`, an optimizer's is its own),
/// and which variables came from a cell with no equivalent (a later cell reading them cannot run either).
///
/// The cell language is Python with PyTorch's names, so most of a cell prints back unchanged; builtins
/// become `torch.…`, `nn.…`, `F.…` or a helper, and an expression on its own is printed as the
/// notebook prints it (`print(x)`, `print(list(x.shape))`).
public struct TorchTranslator: Sendable {
    /// What a variable holds, as far as the translation needs to know.
    public enum Kind: Sendable, Equatable { case tensor, module, optimizer, gan, data, other }

    var kinds: [String: Kind] = [:]
    /// Variables assigned by a cell that had no equivalent, with the reason.
    var unavailable: [String: String] = [:]

    public init() {}

    /// The PyTorch lines for one cell (as the learner typed it, possibly several statements).
    public mutating func translate(_ cell: String) -> TorchCell {
        let comment = TorchTranslator.trailingComment(cell)
        let statements: [Stmt]
        do { statements = try Parser.parse(cell) } catch {
            return TorchCell(lines: commented(cell), helpers: [], missing: "no PyTorch equivalent: the cell does not parse (\(error.message))")
        }
        var context = Context()
        var lines: [String] = []
        for s in statements { lines += statement(s, &context, indent: "") }
        if let reason = context.missing {
            for name in TorchTranslator.assignedNames(statements) { unavailable[name] = context.root ?? reason }
            return TorchCell(lines: ["# " + reason] + commented(cell), helpers: [], missing: reason)
        }
        for name in TorchTranslator.assignedNames(statements) { unavailable[name] = nil }
        if let comment, !lines.isEmpty, lines.count == 1 { lines[0] += "  # " + comment }
        return TorchCell(lines: lines, helpers: context.helpers, missing: nil)
    }

    func commented(_ cell: String) -> [String] {
        cell.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }
    }

    /// What one statement's translation needs along the way.
    struct Context {
        var helpers: [String] = []
        var missing: String?
        /// The first cell's reason, when this one fails for reading a name that cell made (it is passed on, not nested).
        var root: String?
        mutating func use(_ helper: String) { if !helpers.contains(helper) { helpers.append(helper) } }
        mutating func fail(_ reason: String) { if missing == nil { missing = "no PyTorch equivalent: " + reason } }
    }

    // MARK: Statements

    mutating func statement(_ s: Stmt, _ c: inout Context, indent: String) -> [String] {
        switch s {
        case .expression(let e):
            let code = expr(e, &c)
            return [indent + (TorchTranslator.printsNothing(e, kinds: kinds) ? code : printed(e, code, &c))]
        case .assign(let target, let value, _):
            // `w.requires_grad = True` on a tensor that is not a leaf: PyTorch wants the method.
            let code = expr(value, &c)
            if case .name(let n, _) = target {
                kinds[n] = kind(of: value)
                return [indent + n + " = " + code]  // a new value: whatever the name held before does not matter
            }
            return [indent + expr(target, &c) + " = " + code]
        case .augmentedAssign(let target, let op, let value, _):
            return [indent + expr(target, &c) + " \(op)= " + expr(value, &c)]
        case .forLoop(let name, let iterable, let body, _):
            kinds[name] = kind(of: iterable) == .module ? .module : .other
            var out = [indent + "for \(name) in \(expr(iterable, &c)):"]
            for b in body { out += statement(b, &c, indent: indent + "    ") }
            return out
        case .help(let e, _):
            return [indent + "help(\(expr(e, &c)))"]
        }
    }

    /// An expression on its own line: the notebook shows its value, so the script prints it the same way.
    func printed(_ e: Expr, _ code: String, _ c: inout Context) -> String {
        if case .attribute(_, "shape", _) = e { return "print(list(\(code)))" }
        if case .call(.name("type", _), _, _, _) = e { return "print(\(code))" }
        return "print(\(code))"
    }

    /// Calls whose value the notebook does not print (pictures, `backward`, an optimizer's step…).
    static func printsNothing(_ e: Expr, kinds: [String: Kind]) -> Bool {
        guard case .call(let f, _, _, _) = e else { return false }
        switch f {
        case .name(let n, _):
            return ["show", "plot", "hist", "heatmap", "graph", "print", "seed", "save", "save_model", "load_model", "save_png", "help", "confusion"].contains(n)
        case .attribute(let owner, let m, _):
            if ["backward", "zero_grad", "retain_grad", "requires_grad_"].contains(m) { return true }
            if m == "step", case .name(let o, _) = owner, kinds[o] == .optimizer { return true }
            if m == "save" || m == "animate" { return true }
            return false
        default: return false
        }
    }

    /// The kind of value an expression makes, from its outermost call.
    func kind(of e: Expr) -> Kind {
        switch e {
        case .call(.name(let n, _), _, _, _):
            if ["SGD", "Adam"].contains(n) { return .optimizer }
            if ["GAN", "load_gan"].contains(n) { return .gan }
            if ["mnist", "fashion"].contains(n) { return .data }
            if TorchBuiltins.modules.contains(n) { return .module }
            if TorchBuiltins.tensorMakers.contains(n) { return .tensor }
            return .other
        case .name(let n, _): return kinds[n] ?? .other
        case .index(let base, _, _): return kind(of: base) == .module ? .module : .tensor
        case .attribute(let owner, let name, _):
            if ["G", "D"].contains(name), kind(of: owner) == .gan { return .module }
            return ["weight", "bias", "grad", "T"].contains(name) ? .tensor : .other
        case .binary(let op, let a, let b, _):
            if TorchTranslator.precedence(op) <= 4 { return kind(of: a) == .tensor || kind(of: b) == .tensor ? .tensor : .other }
            return kind(of: a) == .tensor || kind(of: b) == .tensor ? .tensor : .other
        case .unary(_, let x, _): return kind(of: x)
        case .call(.attribute(let owner, let m, _), _, _, _):
            let ownerKind = kind(of: owner)
            if ["item", "tolist", "numel", "size", "backward", "zero_grad"].contains(m) { return .other }
            if ownerKind == .tensor { return .tensor }
            if ownerKind == .data, ["image", "images", "labels"].contains(m) { return .tensor }
            if ownerKind == .gan, m == "sample" { return .tensor }
            if ownerKind == .module, ["parameters"].contains(m) { return .other }
            if ownerKind == .module, ["eval", "train"].contains(m) { return .module }
            return .other
        case .call(let callee, _, _, _):
            // `net(x)`, `conv(x)`: a module's output.
            return kind(of: callee) == .module ? .tensor : .other
        default: return .other
        }
    }

    // MARK: Expressions

    /// Python's binding strength of each operator (higher binds tighter).
    static func precedence(_ op: String) -> Int {
        switch op {
        case "or": return 1
        case "and": return 2
        case "not": return 3
        case "==", "!=", "<", "<=", ">", ">=", "in", "is": return 4
        case "+", "-": return 6
        case "*", "/", "//", "%", "@": return 7
        case "u-", "u+": return 8
        case "**": return 9
        default: return 10
        }
    }

    static func precedence(of e: Expr) -> Int {
        switch e {
        case .binary(let op, _, _, _): return precedence(op)
        case .unary(let op, _, _): return op == "not" ? 3 : 8
        case .number(let v, _) where v < 0: return 8
        default: return 10
        }
    }

    mutating func expr(_ e: Expr, _ c: inout Context) -> String {
        switch e {
        case .number(let v, _): return formatLiteral(v)
        case .string(let s, _): return TorchTranslator.pythonString(s)
        case .bool(let b, _): return b ? "True" : "False"
        case .none: return "None"
        case .list(let items, _): return "[" + items.map { expr($0, &c) }.joined(separator: ", ") + "]"
        case .name(let n, _):
            if let reason = unavailable[n] {
                if c.missing == nil { c.root = reason }
                c.fail("\(n) comes from a cell that has none (\(reason.replacingOccurrences(of: "no PyTorch equivalent: ", with: "")))")
            }
            if kinds[n] == nil, let helper = TorchBuiltins.bareName(n) { c.use(helper.helper ?? ""); return helper.code }
            return n
        case .unary(let op, let operand, _):
            let inner = expr(operand, &c)
            let mine = op == "not" ? 3 : 8
            let wrapped = TorchTranslator.precedence(of: operand) < mine ? "(\(inner))" : inner
            return (op == "not" ? "not " : op) + wrapped
        case .binary(let op, let a, let b, _):
            let p = TorchTranslator.precedence(op)
            var left = expr(a, &c), right = expr(b, &c)
            // Left-associative except **: an equal-strength operand on the "wrong" side needs brackets.
            let pa = TorchTranslator.precedence(of: a), pb = TorchTranslator.precedence(of: b)
            if op == "**" ? pa <= p : pa < p { left = "(\(left))" }
            if op == "**" ? pb < p - 1 : pb <= p { right = "(\(right))" }
            if p == 4, pa == 4 { left = "(\(left))" }
            // The notebook's comparisons of tensors give 0./1. floats (so `.mean()` is a share); PyTorch's give bools.
            if p == 4, kind(of: a) == .tensor || kind(of: b) == .tensor { return "(\(left) \(op) \(right)).float()" }
            return "\(left) \(op) \(right)"
        case .call(let f, let args, let keywords, _):
            return call(f, args, keywords, &c)
        case .attribute(let owner, let name, _):
            return postfix(owner, &c) + "." + name
        case .index(let base, let subs, _):
            // PyTorch has no negative slice steps: x[::-1] is x.flip(0).
            if subs.count == 1, case .slice(nil, nil, .some(.unary("-", .number(1, _), _))) = subs[0] { return postfix(base, &c) + ".flip(0)" }
            if subs.contains(where: { if case .slice(_, _, .some(.unary("-", _, _))) = $0 { return true }; return false }) {
                c.fail("PyTorch tensors cannot be sliced with a negative step (only x[::-1], as x.flip(0))")
            }
            // `net.parameters()` is a list in the notebook, a generator in PyTorch.
            if case .call(.attribute(_, "parameters", _), _, _, _) = base {
                return "list(\(expr(base, &c)))[" + subs.map { s -> String in
                    if case .at(let i) = s { return expr(i, &c) }
                    return s.source
                }.joined(separator: ", ") + "]"
            }
            let parts = subs.map { s -> String in
                switch s {
                case .at(let i): return expr(i, &c)
                case .slice(let a, let b, let step):
                    return (a.map { expr($0, &c) } ?? "") + ":" + (b.map { expr($0, &c) } ?? "") + (step.map { ":" + expr($0, &c) } ?? "")
                }
            }
            return postfix(base, &c) + "[" + parts.joined(separator: ", ") + "]"
        }
    }

    /// An expression used before `.name`, `[…]` or `(…)`: bracketed unless it is already atomic.
    mutating func postfix(_ e: Expr, _ c: inout Context) -> String {
        let code = expr(e, &c)
        if case .binary(let op, let a, let b, _) = e, TorchTranslator.precedence(op) == 4, kind(of: a) == .tensor || kind(of: b) == .tensor {
            return code  // already `(a > b).float()`
        }
        return TorchTranslator.precedence(of: e) < 10 ? "(\(code))" : code
    }

    mutating func call(_ f: Expr, _ args: [Expr], _ keywords: [Keyword], _ c: inout Context) -> String {
        let a = args.map { expr($0, &c) }
        let k = keywords.map { ($0.name, expr($0.value, &c)) }
        switch f {
        case .name(let n, _) where kinds[n] == nil && unavailable[n] == nil:
            guard let rule = TorchBuiltins.rule(n) else { return n + TorchBuiltins.arguments(a, k) }
            switch rule(a, k) {
            case .code(let code, let helper):
                if let helper { c.use(helper) }
                return code
            case .none(let reason):
                c.fail(reason)
                return n + TorchBuiltins.arguments(a, k)
            }
        case .attribute(let owner, let method, _):
            let ownerKind = kind(of: owner)
            let o = postfix(owner, &c)
            switch TorchBuiltins.method(method, ownerKind: ownerKind, owner: o, a, k) {
            case .code(let code, let helper):
                if let helper { c.use(helper) }
                return code
            case .none(let reason):
                c.fail(reason)
                return o + "." + method + TorchBuiltins.arguments(a, k)
            }
        default:
            return postfix(f, &c) + TorchBuiltins.arguments(a, k)
        }
    }

    // MARK: Text

    static func pythonString(_ s: String) -> String {
        var out = "\""
        for ch in s {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out + "\""
    }

    /// The `# comment` at the end of a one-line cell (outside strings), kept beside its translation.
    static func trailingComment(_ cell: String) -> String? {
        guard !cell.contains("\n") else { return nil }
        var quote: Character?
        for (i, ch) in zip(cell.indices, cell) {
            if let q = quote { if ch == q { quote = nil }; continue }
            if ch == "\"" || ch == "'" { quote = ch; continue }
            if ch == "#" {
                let text = cell[cell.index(after: i)...].trimmingSpaces
                return text.isEmpty ? nil : text
            }
        }
        return nil
    }

    /// Names a cell assigns (plain `name = …` targets and loop variables).
    static func assignedNames(_ statements: [Stmt]) -> [String] {
        statements.flatMap { s -> [String] in
            switch s {
            case .assign(.name(let n, _), _, _), .augmentedAssign(.name(let n, _), _, _, _): return [n]
            case .forLoop(let n, _, let body, _): return [n] + assignedNames(body)
            default: return []
            }
        }
    }
}

extension Substring {
    var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}
