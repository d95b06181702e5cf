/// Expressions, each with the source range it came from (for carets under runtime errors).
public indirect enum Expr: Equatable, Sendable {
    case number(Double, SourceRange)
    case string(String, SourceRange)
    case bool(Bool, SourceRange)
    case none(SourceRange)
    case list([Expr], SourceRange)
    case name(String, SourceRange)
    /// `-x`, `+x`, `not x`.
    case unary(String, Expr, SourceRange)
    /// `a + b`, `a @ b`, `a ** b`, `a < b`, `a and b`…
    case binary(String, Expr, Expr, SourceRange)
    /// `f(a, b, key=c)`.
    case call(Expr, [Expr], [Keyword], SourceRange)
    /// `x.name`.
    case attribute(Expr, String, SourceRange)
    /// `x[0, 1:3]`.
    case index(Expr, [Subscript], SourceRange)

    public var range: SourceRange {
        switch self {
        case .number(_, let r), .string(_, let r), .bool(_, let r), .none(let r), .list(_, let r), .name(_, let r),
            .unary(_, _, let r), .binary(_, _, _, let r), .call(_, _, _, let r), .attribute(_, _, let r), .index(_, _, let r):
            return r
        }
    }
}

/// `name=value` in a call.
public struct Keyword: Equatable, Sendable {
    public let name: String
    public let value: Expr
    public let range: SourceRange
}

/// One entry between square brackets: an expression, or a slice `start:end:step` (each part optional).
public enum Subscript: Equatable, Sendable {
    case at(Expr)
    case slice(Expr?, Expr?, Expr?)
}

/// Statements: what a cell is a list of.
public indirect enum Stmt: Equatable, Sendable {
    case expression(Expr)
    /// `target = value`; targets are names, `x[…]` and `x.name`.
    case assign(Expr, Expr, SourceRange)
    /// `target += value` (and `-=`, `*=`, `/=`, `//=`, `%=`, `**=`): the operator without "=".
    case augmentedAssign(Expr, String, Expr, SourceRange)
    /// `for name in iterable: body` — the body is the rest of the line.
    case forLoop(String, Expr, [Stmt], SourceRange)
    /// `x?` — help on a value.
    case help(Expr, SourceRange)
}

// MARK: - Printing: the tree as S-expressions, so parser tests compare text.

extension Expr: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let v, _): return formatLiteral(v)
        case .string(let s, _): return "\"" + s.replacingOccurrencesOfQuote() + "\""
        case .bool(let b, _): return b ? "True" : "False"
        case .none: return "None"
        case .list(let items, _): return "[" + items.map(\.description).joined(separator: " ") + "]"
        case .name(let n, _): return n
        case .unary(let op, let e, _): return "(\(op) \(e))"
        case .binary(let op, let a, let b, _): return "(\(op) \(a) \(b))"
        case .call(let f, let args, let kws, _):
            return "(call " + ([f.description] + args.map(\.description) + kws.map { "\($0.name)=\($0.value)" }).joined(separator: " ") + ")"
        case .attribute(let e, let name, _): return "(. \(e) \(name))"
        case .index(let e, let subs, _): return "(index \(e) " + subs.map(\.description).joined(separator: " ") + ")"
        }
    }
}

extension Subscript: CustomStringConvertible {
    public var description: String {
        switch self {
        case .at(let e): return e.description
        case .slice(let a, let b, let c): return [a, b, c].map { $0?.description ?? "_" }.joined(separator: ":")
        }
    }
}

extension Stmt: CustomStringConvertible {
    public var description: String {
        switch self {
        case .expression(let e): return e.description
        case .assign(let t, let v, _): return "(= \(t) \(v))"
        case .augmentedAssign(let t, let op, let v, _): return "(\(op)= \(t) \(v))"
        case .forLoop(let name, let iterable, let body, _): return "(for \(name) \(iterable) " + body.map(\.description).joined(separator: " ") + ")"
        case .help(let e, _): return "(help \(e))"
        }
    }

    public var range: SourceRange {
        switch self {
        case .expression(let e): return e.range
        case .assign(_, _, let r), .augmentedAssign(_, _, _, let r), .forLoop(_, _, _, let r), .help(_, let r): return r
        }
    }
}

extension String {
    /// The string with `"`, `\` and newlines escaped, ready to go between double quotes (cell source and Python alike).
    public func replacingOccurrencesOfQuote() -> String {
        var out = ""
        for ch in self {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}

// MARK: - Printing back as cell source (fully parenthesised), so `parse(print(tree)) == tree`.

extension Expr {
    public var source: String {
        switch self {
        case .number(let v, _): return v < 0 ? "(\(formatLiteral(v)))" : formatLiteral(v)
        case .string(let s, _): return "\"" + s.replacingOccurrencesOfQuote() + "\""
        case .bool(let b, _): return b ? "True" : "False"
        case .none: return "None"
        case .list(let items, _): return "[" + items.map(\.source).joined(separator: ", ") + "]"
        case .name(let n, _): return n
        case .unary(let op, let e, _): return "(\(op == "not" ? "not " : op)\(e.source))"
        case .binary(let op, let a, let b, _): return "(\(a.source) \(op) \(b.source))"
        case .call(let f, let args, let kws, _):
            return f.source + "(" + (args.map(\.source) + kws.map { "\($0.name)=\($0.value.source)" }).joined(separator: ", ") + ")"
        case .attribute(let e, let name, _): return e.source + "." + name
        case .index(let e, let subs, _): return e.source + "[" + subs.map(\.source).joined(separator: ", ") + "]"
        }
    }
}

extension Subscript {
    public var source: String {
        switch self {
        case .at(let e): return e.source
        case .slice(let a, let b, let c): return (a?.source ?? "") + ":" + (b?.source ?? "") + (c.map { ":" + $0.source } ?? "")
        }
    }
}

extension Stmt {
    public var source: String {
        switch self {
        case .expression(let e): return e.source
        case .assign(let t, let v, _): return "\(t.source) = \(v.source)"
        case .augmentedAssign(let t, let op, let v, _): return "\(t.source) \(op)= \(v.source)"
        case .forLoop(let name, let iterable, let body, _): return "for \(name) in \(iterable.source): " + body.map(\.source).joined(separator: "; ")
        case .help(let e, _): return e.source + "?"
        }
    }
}

// MARK: - Depth

extension Expr {
    /// Levels in the tree, this node included, counted no further than `cap + 1`: the walk never
    /// goes deeper than that, so measuring a tree too deep to evaluate cannot itself exhaust the stack.
    public func height(cappedAt cap: Int) -> Int {
        guard cap > 0 else { return 1 }
        func below(_ e: Expr?) -> Int { e?.height(cappedAt: cap - 1) ?? 0 }
        var deepest = 0
        switch self {
        case .number, .string, .bool, .none, .name: return 1
        case .list(let items, _): for item in items { deepest = max(deepest, below(item)) }
        case .unary(_, let e, _), .attribute(let e, _, _): deepest = below(e)
        case .binary(_, let a, let b, _): deepest = max(below(a), below(b))
        case .call(let f, let args, let keywords, _):
            deepest = below(f)
            for a in args { deepest = max(deepest, below(a)) }
            for k in keywords { deepest = max(deepest, below(k.value)) }
        case .index(let e, let subscripts, _):
            deepest = below(e)
            for s in subscripts {
                switch s {
                case .at(let i): deepest = max(deepest, below(i))
                case .slice(let a, let b, let c): deepest = max(deepest, below(a), below(b), below(c))
                }
            }
        }
        return 1 + deepest
    }
}
