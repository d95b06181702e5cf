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
    public enum Kind: Sendable, Equatable { case tensor, number, module, optimizer, gan, data, other }

    var kinds: [String: Kind] = [:]
    /// Variables assigned by a cell that had no equivalent, with the reason.
    var unavailable: [String: String] = [:]
    /// File names (string literals) a cell without an equivalent would have written or read, with the reason:
    /// a later cell loading one of them cannot run either.
    var unavailableFiles: [String: String] = [:]

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
        // The notebook shows the value of a cell's last statement only (and nothing from inside a loop).
        for (i, s) in statements.enumerated() { lines += statement(s, &context, indent: "", shows: i == statements.count - 1) }
        if let reason = context.missing {
            for name in TorchTranslator.assignedNames(statements) { unavailable[name] = context.root ?? reason }
            for file in TorchTranslator.fileNames(in: cell) where unavailableFiles[file] == nil { unavailableFiles[file] = context.root ?? reason }
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

    mutating func statement(_ s: Stmt, _ c: inout Context, indent: String, shows: Bool) -> [String] {
        switch s {
        case .expression(let e):
            let code = expr(e, &c)
            return [indent + (!shows || TorchTranslator.printsNothing(e, kinds: kinds) ? code : printed(e, code, &c))]
        case .assign(let target, let value, _):
            // `w.requires_grad = True` on a tensor that is not a leaf: PyTorch wants the method.
            let code = expr(value, &c)
            if case .name(let n, _) = target {
                kinds[n] = kind(of: value)
                return [indent + TorchTranslator.pythonName(n) + " = " + code]  // a new value: what the name held before does not matter
            }
            if case .attribute(let owner, "lr", _) = target, kind(of: owner) == .optimizer {
                return [indent + "for group in \(postfix(owner, &c)).param_groups: group[\"lr\"] = \(code)"]
            }
            if case .index(_, let subs, _) = target, subs.contains(where: TorchTranslator.isReversing) {
                c.fail("PyTorch cannot write through a slice with a negative step")
            }
            return [indent + expr(target, &c) + " = " + code]
        case .augmentedAssign(let target, let op, let value, _):
            // The notebook computes the new value and rebinds the name (`w -= …` on a leaf that needs gradients
            // works; in-place it would not), so the script does too.
            if case .name(let n, _) = target {
                let me = TorchTranslator.pythonName(n)
                return [indent + "\(me) = \(expr(target, &c)) \(op) (\(expr(value, &c)))"]
            }
            return [indent + expr(target, &c) + " \(op)= " + expr(value, &c)]
        case .forLoop(let name, let iterable, let body, _):
            let over = kind(of: iterable)
            if case .call(.attribute(_, "parameters", _), _, _, _) = iterable { kinds[name] = .tensor } else { kinds[name] = over == .module ? .module : .other }
            var out = [indent + "for \(TorchTranslator.pythonName(name)) in \(expr(iterable, &c)):"]
            for b in body { out += statement(b, &c, indent: indent + "    ", shows: false) }
            return out
        case .help(let e, _):
            return [indent + "print(getattr(\(expr(e, &c)), \"__doc__\", None))"]
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
            return ["show", "plot", "hist", "heatmap", "graph", "print", "seed", "save", "save_model", "load_model", "save_png", "help", "confusion", "backward", "zero_grad"].contains(n)
        case .attribute(let owner, let m, _):
            if ["backward", "zero_grad", "retain_grad", "requires_grad_"].contains(m) { return true }
            if m == "step", case .name(let o, _) = owner, kinds[o] == .optimizer { return true }
            if m == "save" || m == "animate" { return true }
            return false
        default: return false
        }
    }

    /// The kind of value an expression makes, from its outermost call (`.other`: not known before it runs).
    func kind(of e: Expr) -> Kind {
        switch e {
        case .number, .bool: return .number
        case .call(.name(let n, _), let args, _, _):
            if let k = kinds[n] { return k == .module ? .tensor : .other }  // `net(x)`: a module's output
            if ["SGD", "Adam"].contains(n) { return .optimizer }
            if ["GAN", "load_gan"].contains(n) { return .gan }
            if ["mnist", "fashion"].contains(n) { return .data }
            if TorchBuiltins.modules.contains(n) { return .module }
            if n == "abs" { return args.first.map { kind(of: $0) } ?? .other }
            if ["len", "int", "float", "round", "median"].contains(n) { return .number }
            if TorchBuiltins.tensorMakers.contains(n) || n == "load" { return .tensor }
            return .other
        case .name(let n, _): return kinds[n] ?? .other
        case .index(let base, _, _):
            switch kind(of: base) {
            case .module: return .module
            case .tensor: return .tensor
            default: return .other
            }
        case .attribute(let owner, let name, _):
            if ["G", "D"].contains(name), kind(of: owner) == .gan { return .module }
            if ["counterfeiter", "treasurer"].contains(name) { return .module }  // a coin game's players
            if ["weight", "bias", "grad", "T", "running_mean", "running_var"].contains(name) { return .tensor }
            if ["ndim", "train_size", "test_size", "steps", "batch", "rounds_played"].contains(name) { return .number }
            return .other
        case .binary(let op, let a, let b, _):
            let (ka, kb) = (kind(of: a), kind(of: b))
            if ka == .tensor || kb == .tensor { return .tensor }
            if ka == .number && kb == .number { return .number }
            if ["and", "or"].contains(op) { return .other }
            return TorchTranslator.precedence(op) == 4 && ka != .other && kb != .other ? .number : .other
        case .unary(let op, let x, _): return op == "not" ? .number : kind(of: x)
        case .call(.attribute(let owner, let m, _), _, _, _):
            let ownerKind = kind(of: owner)
            if ["item", "numel", "size"].contains(m) { return .number }
            if ["tolist", "backward", "zero_grad", "parameters"].contains(m) { return .other }
            if ownerKind == .tensor { return .tensor }
            if ownerKind == .data, ["image", "images", "labels"].contains(m) { return .tensor }
            if ownerKind == .gan, m == "sample" { return .tensor }
            if ["judge", "mint", "real"].contains(m) { return .tensor }  // a coin game's
            if ownerKind == .module, ["eval", "train"].contains(m) { return .module }
            return .other
        case .call(let callee, _, _, _):
            return kind(of: callee) == .module ? .tensor : .other
        default: return .other
        }
    }

    /// Python keywords and the names the script's own code (helpers, imports, printing) relies on: a learner's
    /// variable with one of these names gets a trailing underscore, so it cannot break what the script defines.
    static let reserved: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield", "match", "case",
        "list", "sum", "print", "len", "range", "abs", "round", "float", "int", "str", "min", "max", "type", "getattr",
        "setattr", "dict", "zip", "next", "iter", "sorted", "bytes", "open", "super", "isinstance", "hasattr", "any", "all",
        "copy", "gzip", "json", "os", "statistics", "struct", "sys", "time", "zlib", "torch", "nn", "F", "group",
        "QUICK", "DATA_DIR", "WEIGHTS", "PICTURES", "COIN_FEATURES", "COIN_MEAN", "COIN_SPREAD",
        "show", "plot", "hist", "heatmap", "graph", "save_png", "write_png", "mnist", "fashion", "Digits", "quick", "accuracy",
        "confusion", "median", "save", "load", "save_model", "load_model", "may_write", "write_safetensors", "read_safetensors",
        "GAN", "load_gan", "History", "StepReport", "build_gan_models", "dcgan_init", "score", "digit_judge", "mnist_classifier",
        "CoinGame", "CoinGames", "CoinHistory", "coins_game", "coins_games", "agree_with_session",
    ]

    /// A learner's name as the script spells it: itself, or with `_` after it when Python reserves it, or every
    /// character outside [A-Za-z0-9_] spelled out (the notebook allows names Python does not, such as `x²`).
    static func pythonName(_ n: String) -> String {
        var out = ""
        for u in n.unicodeScalars {
            if u.isASCII, u.properties.isAlphabetic || ("0"..."9").contains(Character(u)) || u == "_" { out.unicodeScalars.append(u) } else { out += "_u\(String(u.value, radix: 16))_" }
        }
        return reserved.contains(out) ? out + "_" : out
    }

    /// `::-1` and other negative steps.
    static func isReversing(_ s: Subscript) -> Bool {
        if case .slice(_, _, .some(.unary("-", _, _))) = s { return true }
        return false
    }

    /// The string literals of a cell that name files (`"digits.safetensors"`, `"x.png"`…).
    static func fileNames(in cell: String) -> [String] {
        var names: [String] = [], current = "", quote: Character?
        for ch in cell {
            if let q = quote {
                if ch == q { if current.contains(".") && !current.contains(" ") { names.append(current) }; quote = nil; current = "" } else { current.append(ch) }
            } else if ch == "\"" || ch == "'" { quote = ch }
        }
        return names
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
        case .string(let s, _):
            if let reason = unavailableFiles[s] {
                if c.missing == nil { c.root = reason }
                c.fail("the file \(s) comes from a cell that has none (\(reason.replacingOccurrences(of: "no PyTorch equivalent: ", with: "")))")
            }
            return TorchTranslator.pythonString(s)
        case .bool(let b, _): return b ? "True" : "False"
        case .none: return "None"
        case .list(let items, _): return "[" + items.map { expr($0, &c) }.joined(separator: ", ") + "]"
        case .name(let n, _):
            if let reason = unavailable[n] {
                if c.missing == nil { c.root = reason }
                c.fail("\(n) comes from a cell that has none (\(reason.replacingOccurrences(of: "no PyTorch equivalent: ", with: "")))")
            }
            if kinds[n] == nil, let helper = TorchBuiltins.bareName(n) { c.use(helper.helper ?? ""); return helper.code }
            if kinds[n] == nil, TorchBuiltins.helpers.contains(n) { c.use(n); return n }  // `show?`, `f = show`
            return kinds[n] == nil && TorchBuiltins.rule(n) != nil ? n : TorchTranslator.pythonName(n)
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
            if p == 4, kind(of: a) == .other || kind(of: b) == .other {
                c.use("as_float")
                return "as_float(\(left) \(op) \(right))"  // a tensor's comparison as 0./1. floats, anything else as it is
            }
            return "\(left) \(op) \(right)"
        case .call(let f, let args, let keywords, _):
            return call(f, args, keywords, &c)
        case .attribute(let owner, let name, _):
            if name == "lr", kind(of: owner) == .optimizer { return postfix(owner, &c) + ".param_groups[0][\"lr\"]" }
            return postfix(owner, &c) + "." + name
        case .index(let base, let subs, _):
            // PyTorch has no negative slice steps: x[::-1] is x.flip(0).
            if subs.count == 1, case .slice(nil, nil, .some(.unary("-", .number(1, _), _))) = subs[0], kind(of: base) != .other {
                return kind(of: base) == .tensor ? postfix(base, &c) + ".flip(0)" : postfix(base, &c) + "[::-1]"
            }
            if subs.count == 1, case .slice(nil, nil, .some(.unary("-", .number(1, _), _))) = subs[0] {
                c.use("reverse")
                return "reverse(\(expr(base, &c)))"
            }
            if subs.contains(where: TorchTranslator.isReversing) {
                c.fail("PyTorch tensors cannot be sliced with a negative step (only x[::-1], as x.flip(0))")
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

    static func pythonString(_ s: String) -> String { "\"" + s.replacingOccurrencesOfQuote() + "\"" }

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
