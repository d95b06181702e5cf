/// Parses a cell into statements: one method per precedence level, lowest first (Python's order):
///
///     statement   → "for" NAME "in" expression ":" simple (";" simple)*  |  simple
///     simple      → expression "?"  |  target ("=" | "+=" | …) expression  |  expression
///     expression  → or;  or → and ("or" and)*;  and → not ("and" not)*;  not → "not" not | comparison
///     comparison  → sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)*        (chains: a < b < c)
///     sum         → product (("+" | "-") product)*
///     product     → unary (("*" | "/" | "//" | "%" | "@") unary)*
///     unary       → ("-" | "+") unary | power
///     power       → postfix ("**" unary)?                                   (right-associative)
///     postfix     → atom ("(" arguments ")" | "[" subscripts "]" | "." NAME)*
///     atom        → NUMBER | STRING | NAME | True | False | None | "(" expression ")" | "[" list "]"
///
/// Depth has one limit, `maximumDepth`, whatever makes it: brackets, calls, operators (`1+1+…+1` is a
/// tree as deep as it is long), attribute chains (`x.T.T.T…`), unary signs, loops inside loops. The
/// parser counts its own recursion and measures every tree it builds, so neither parsing, evaluating
/// nor freeing a cell can exhaust the stack; the evaluator keeps the same limit as a second guard.
public struct Parser {
    private let tokens: [Token]
    private var position = 0
    private var depth = 0
    /// Deeper nesting than this is refused with one clear error.
    public static let maximumDepth = 100

    public static func parse(_ source: String) throws(CellError) -> [Stmt] {
        var parser = Parser(tokens: try Lexer.tokenize(source))
        return try parser.program()
    }

    /// Parses one expression (used for `{value}` in lesson prose and for checks).
    public static func parseExpression(_ source: String) throws(CellError) -> Expr {
        var parser = Parser(tokens: try Lexer.tokenize(source))
        let e = try parser.measured(try parser.expression())
        guard parser.peek.kind == .end || parser.peek.kind == .newline else { throw parser.unexpected("end of the expression") }
        return e
    }

    init(tokens: [Token]) { self.tokens = tokens }

    // MARK: Statements

    mutating func program() throws(CellError) -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            while isSymbol(";") || peek.kind == .newline { advance() }
            if peek.kind == .end { return statements }
            statements += try line()
            guard isSymbol(";") || peek.kind == .newline || peek.kind == .end else {
                throw unexpected("';' or a new line between statements")
            }
        }
    }

    /// A `for` statement takes the rest of its line as its body.
    mutating func line() throws(CellError) -> [Stmt] {
        guard peek.kind == .keyword("for") else { return [try simple()] }
        try enter()
        defer { depth -= 1 }
        let start = advance().range
        guard case .name(let variable) = peek.kind else { throw unexpected("a loop variable name after 'for'") }
        advance()
        try expectKeyword("in")
        let iterable = try measured(try expression())
        try expectSymbol(":", "':' after the loop's range")
        var body: [Stmt] = []
        repeat {
            while isSymbol(";") { advance() }
            if peek.kind == .newline || peek.kind == .end { break }
            body += try line()
        } while isSymbol(";")
        guard !body.isEmpty else { throw unexpected("a statement after ':' on the same line") }
        return [.forLoop(variable, iterable, body, start.union(body.last!.range))]
    }

    mutating func simple() throws(CellError) -> Stmt {
        let target = try measured(try expression())
        if isSymbol("?") {
            let q = advance().range
            return .help(target, target.range.union(q))
        }
        if case .symbol(let s) = peek.kind, s == "=" || (s.hasSuffix("=") && !["==", "!=", "<=", ">="].contains(s)) {
            advance()
            guard isAssignable(target) else {
                throw CellError(.syntax, "can't assign to this: only names, x[…] and x.name can be assigned", at: target.range)
            }
            let value = try measured(try expression())
            let range = target.range.union(value.range)
            if s == "=" { return .assign(target, value, range) }
            return .augmentedAssign(target, String(s.dropLast()), value, range)
        }
        return .expression(target)
    }

    func isAssignable(_ e: Expr) -> Bool {
        switch e {
        case .name, .index, .attribute: return true
        default: return false
        }
    }

    // MARK: Expressions, lowest precedence first

    mutating func expression() throws(CellError) -> Expr {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Parser.maximumDepth else { throw tooDeep(at: peek.range) }
        return try or()
    }

    mutating func or() throws(CellError) -> Expr {
        var left = try and()
        var height = try measure(left)
        while peek.kind == .keyword("or") {
            advance()
            let right = try and()
            left = .binary("or", left, right, left.range.union(right.range))
            height = try grow(height, right, at: left)
        }
        return left
    }

    mutating func and() throws(CellError) -> Expr {
        var left = try not()
        var height = try measure(left)
        while peek.kind == .keyword("and") {
            advance()
            let right = try not()
            left = .binary("and", left, right, left.range.union(right.range))
            height = try grow(height, right, at: left)
        }
        return left
    }

    mutating func not() throws(CellError) -> Expr {
        guard peek.kind == .keyword("not") else { return try comparison() }
        let start = advance().range
        try enter()
        defer { depth -= 1 }
        let operand = try not()
        return .unary("not", operand, start.union(operand.range))
    }

    mutating func comparison() throws(CellError) -> Expr {
        let first = try sum()
        var comparisons: [Expr] = []
        var left = first
        var height = try measure(first)
        while case .symbol(let s) = peek.kind, ["==", "!=", "<", "<=", ">", ">="].contains(s) {
            advance()
            let right = try sum()
            comparisons.append(.binary(s, left, right, left.range.union(right.range)))
            height = try grow(height, right, at: comparisons.last!)  // a chain becomes a tree of `and`s
            left = right
        }
        guard var result = comparisons.first else { return first }
        for c in comparisons.dropFirst() { result = .binary("and", result, c, result.range.union(c.range)) }
        return result
    }

    mutating func sum() throws(CellError) -> Expr {
        var left = try product()
        var height = try measure(left)
        while case .symbol(let s) = peek.kind, s == "+" || s == "-" {
            advance()
            let right = try product()
            left = .binary(s, left, right, left.range.union(right.range))
            height = try grow(height, right, at: left)
        }
        return left
    }

    mutating func product() throws(CellError) -> Expr {
        var left = try unary()
        var height = try measure(left)
        while case .symbol(let s) = peek.kind, ["*", "/", "//", "%", "@"].contains(s) {
            advance()
            let right = try unary()
            left = .binary(s, left, right, left.range.union(right.range))
            height = try grow(height, right, at: left)
        }
        return left
    }

    mutating func unary() throws(CellError) -> Expr {
        guard case .symbol(let s) = peek.kind, s == "-" || s == "+" else { return try power() }
        let start = advance().range
        try enter()
        defer { depth -= 1 }
        let operand = try unary()
        return .unary(s, operand, start.union(operand.range))
    }

    mutating func power() throws(CellError) -> Expr {
        let base = try postfix()
        guard isSymbol("**") else { return base }
        advance()
        try enter()
        defer { depth -= 1 }
        let exponent = try unary()
        return .binary("**", base, exponent, base.range.union(exponent.range))
    }

    mutating func postfix() throws(CellError) -> Expr {
        var e = try atom()
        var height = try measure(e)
        while true {
            // Each call, index or attribute adds a level: `x.T.T.T…` is as deep as it is long.
            height += 1
            guard height <= Parser.maximumDepth else { throw tooDeep(at: e.range) }
            if isSymbol("(") {
                advance()
                var args: [Expr] = [], keywords: [Keyword] = []
                while !isSymbol(")") {
                    if case .name(let n) = peek.kind, peekAhead(1).kind == .symbol("=") {
                        let start = advance().range
                        advance()
                        let value = try expression()
                        guard !keywords.contains(where: { $0.name == n }) else {
                            throw CellError(.syntax, "keyword argument '\(n)' is given twice", at: start)
                        }
                        keywords.append(Keyword(name: n, value: value, range: start.union(value.range)))
                    } else {
                        let arg = try expression()
                        guard keywords.isEmpty else {
                            throw CellError(.syntax, "positional arguments must come before keyword arguments", at: arg.range)
                        }
                        args.append(arg)
                    }
                    guard isSymbol(",") else { break }
                    advance()
                }
                let close = try expectSymbol(")", "')' to close the call")
                e = .call(e, args, keywords, e.range.union(close))
            } else if isSymbol("[") {
                advance()
                var subscripts: [Subscript] = []
                repeat {
                    if isSymbol(",") { advance() }
                    if isSymbol("]") { break }
                    subscripts.append(try subscriptEntry())
                } while isSymbol(",")
                guard !subscripts.isEmpty else { throw unexpected("an index between '[' and ']'") }
                let close = try expectSymbol("]", "']' to close the index")
                e = .index(e, subscripts, e.range.union(close))
            } else if isSymbol(".") {
                advance()
                guard case .name(let n) = peek.kind else { throw unexpected("a name after '.'") }
                let r = advance().range
                e = .attribute(e, n, e.range.union(r))
            } else {
                return e
            }
        }
    }

    /// `expr`, or a slice `start? : end? (: step?)?`.
    mutating func subscriptEntry() throws(CellError) -> Subscript {
        var parts: [Expr?] = [nil]
        var isSlice = false
        if !isSymbol(":") { parts[0] = try expression() }
        while isSymbol(":") && parts.count < 3 {
            isSlice = true
            advance()
            parts.append(isSymbol(":") || isSymbol(",") || isSymbol("]") ? nil : try expression())
        }
        if !isSlice { return .at(parts[0]!) }
        while parts.count < 3 { parts.append(nil) }
        return .slice(parts[0], parts[1], parts[2])
    }

    mutating func atom() throws(CellError) -> Expr {
        let token = peek
        switch token.kind {
        case .number(let v): advance(); return .number(v, token.range)
        case .string(let s): advance(); return .string(s, token.range)
        case .name(let n): advance(); return .name(n, token.range)
        case .keyword("True"), .keyword("true"): advance(); return .bool(true, token.range)
        case .keyword("False"), .keyword("false"): advance(); return .bool(false, token.range)
        case .keyword("None"), .keyword("none"): advance(); return .none(token.range)
        case .symbol("("):
            advance()
            let inner = try expression()
            try expectSymbol(")", "')' to close the parenthesis opened here")
            return inner
        case .symbol("["):
            advance()
            var items: [Expr] = []
            while !isSymbol("]") {
                items.append(try expression())
                guard isSymbol(",") else { break }
                advance()
            }
            let close = try expectSymbol("]", "']' to close the list")
            return .list(items, token.range.union(close))
        default:
            throw unexpected("a value (a number, a name, a string, '(' or '[')")
        }
    }

    // MARK: Tokens

    var peek: Token { tokens[position] }
    func peekAhead(_ n: Int) -> Token { tokens[min(position + n, tokens.count - 1)] }
    func isSymbol(_ s: String) -> Bool { peek.kind == .symbol(s) }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return t
    }

    mutating func enter() throws(CellError) {
        depth += 1
        guard depth <= Parser.maximumDepth else { throw tooDeep(at: peek.range) }
    }

    /// A tree's height, refused when beyond the limit.
    func measure(_ e: Expr) throws(CellError) -> Int {
        let h = e.height(cappedAt: Parser.maximumDepth)
        guard h <= Parser.maximumDepth else { throw tooDeep(at: e.range) }
        return h
    }

    /// The height of a chain (`a + b + …`) after one more link `right`, refused when beyond the limit.
    func grow(_ height: Int, _ right: Expr, at chain: Expr) throws(CellError) -> Int {
        let h = max(height, try measure(right)) + 1
        guard h <= Parser.maximumDepth else { throw tooDeep(at: chain.range) }
        return h
    }

    /// A whole expression, measured once more: every construction above is bounded, this makes it certain.
    func measured(_ e: Expr) throws(CellError) -> Expr {
        _ = try measure(e)
        return e
    }

    func tooDeep(at range: SourceRange) -> CellError {
        CellError(.limit, "this is nested too deeply: more than \(Parser.maximumDepth) levels of brackets, operators, calls, attributes or loops; split it into steps with names", at: range)
    }

    @discardableResult
    mutating func expectSymbol(_ s: String, _ what: String) throws(CellError) -> SourceRange {
        guard isSymbol(s) else { throw unexpected(what) }
        return advance().range
    }

    mutating func expectKeyword(_ k: String) throws(CellError) {
        guard peek.kind == .keyword(k) else { throw unexpected("'\(k)'") }
        advance()
    }

    func unexpected(_ expected: String) -> CellError {
        CellError(.syntax, "expected \(expected), found \(peek.description)", at: peek.range)
    }
}
