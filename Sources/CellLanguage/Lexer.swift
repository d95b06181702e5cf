/// Turns a cell's text into tokens, each with its source range. `#` starts a comment to the end of
/// the line; newlines separate statements (except inside brackets, where a long call may wrap).
public struct Lexer {
    static let keywords: Set<String> = ["and", "or", "not", "for", "in", "True", "False", "None", "true", "false", "none"]
    /// Longest first, so "**" wins over "*" and "//" over "/".
    static let symbols = [
        "**=", "//=", "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=",
        "+", "-", "*", "/", "%", "@", "<", ">", "=", "(", ")", "[", "]", ",", ":", ".", ";", "?",
    ]

    public static func tokenize(_ source: String) throws(CellError) -> [Token] {
        let chars = Array(source)
        var tokens: [Token] = []
        var i = 0, depth = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "#" { while i < chars.count && chars[i] != "\n" { i += 1 }; continue }
            if c == "\n" {
                if depth == 0 { tokens.append(Token(.newline, SourceRange(i, i + 1))) }
                i += 1
                continue
            }
            let start = i
            if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                tokens.append(try number(chars, at: &i))
                continue
            }
            if c.isLetter || c == "_" {
                while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { i += 1 }
                let word = String(chars[start..<i])
                tokens.append(Token(keywords.contains(word) ? .keyword(word) : .name(word), SourceRange(start, i)))
                continue
            }
            if c == "\"" || c == "'" {
                tokens.append(try string(chars, at: &i))
                continue
            }
            guard let symbol = symbols.first(where: { matches($0, chars, at: i) }) else {
                throw CellError(.syntax, "unexpected character '\(c)'", at: SourceRange(i, i + 1))
            }
            if symbol == "(" || symbol == "[" { depth += 1 }
            if symbol == ")" || symbol == "]" { depth = max(depth - 1, 0) }
            i += symbol.count
            tokens.append(Token(.symbol(symbol), SourceRange(start, i)))
        }
        tokens.append(Token(.end, SourceRange(chars.count, chars.count)))
        return tokens
    }

    /// A number from `i` (digits, `_`, one `.`, an exponent), leaving `i` after it.
    static func number(_ chars: [Character], at i: inout Int) throws(CellError) -> Token {
        let start = i
        while i < chars.count && (chars[i].isNumber || chars[i] == "." || chars[i] == "_") { i += 1 }
        if i < chars.count && (chars[i] == "e" || chars[i] == "E") {
            var j = i + 1
            if j < chars.count && (chars[j] == "+" || chars[j] == "-") { j += 1 }
            if j < chars.count && chars[j].isNumber {
                i = j
                while i < chars.count && chars[i].isNumber { i += 1 }
            }
        }
        let text = String(chars[start..<i]).replacingUnderscores()
        guard let value = Double(text), text.filter({ $0 == "." }).count <= 1 else {
            throw CellError(.syntax, "'\(String(chars[start..<i]))' is not a number", at: SourceRange(start, i))
        }
        if i < chars.count && (chars[i].isLetter || chars[i] == "_") {
            throw CellError(.syntax, "a name can't start with a digit", at: SourceRange(start, i + 1))
        }
        return Token(.number(value), SourceRange(start, i))
    }

    /// A string in the quotes that open at `i` (with `\n`, `\t` and escaped characters), leaving `i` after it.
    static func string(_ chars: [Character], at i: inout Int) throws(CellError) -> Token {
        let start = i, quote = chars[i]
        i += 1
        var text = ""
        while i < chars.count && chars[i] != quote && chars[i] != "\n" {
            if chars[i] == "\\" && i + 1 < chars.count {
                i += 1
                switch chars[i] {
                case "n": text.append("\n")
                case "t": text.append("\t")
                default: text.append(chars[i])
                }
            } else {
                text.append(chars[i])
            }
            i += 1
        }
        guard i < chars.count && chars[i] == quote else {
            throw CellError(.syntax, "this string has no closing \(quote)", at: SourceRange(start, start + 1))
        }
        i += 1
        return Token(.string(text), SourceRange(start, i))
    }

    static func matches(_ symbol: String, _ chars: [Character], at i: Int) -> Bool {
        var j = i
        for s in symbol {
            guard j < chars.count, chars[j] == s else { return false }
            j += 1
        }
        return true
    }
}

extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
