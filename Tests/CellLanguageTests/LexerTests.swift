import Testing

@testable import CellLanguage

@Suite("Lexer")
struct LexerTests {
    func kinds(_ s: String) throws -> [TokenKind] { try Lexer.tokenize(s).map(\.kind) }

    @Test func numbersStringsNamesKeywords() throws {
        #expect(
            try kinds("1 2.5 .5 1e-3 1_000 x_1 True none 'a\\'b' \"c\\nd\"") == [
                .number(1), .number(2.5), .number(0.5), .number(0.001), .number(1000), .name("x_1"), .keyword("True"), .keyword("none"),
                .string("a'b"), .string("c\nd"), .end,
            ])
    }

    @Test("symbols: the longest match wins")
    func symbols() throws {
        #expect(
            try kinds("a**b//c**=d<=e==f!=g@h") == [
                .name("a"), .symbol("**"), .name("b"), .symbol("//"), .name("c"), .symbol("**="), .name("d"), .symbol("<="),
                .name("e"), .symbol("=="), .name("f"), .symbol("!="), .name("g"), .symbol("@"), .name("h"), .end,
            ])
    }

    @Test("comments vanish; newlines end statements except inside brackets")
    func linesAndComments() throws {
        #expect(try kinds("x = 1 # one\ny") == [.name("x"), .symbol("="), .number(1), .newline, .name("y"), .end])
        #expect(try kinds("f(1,\n 2)") == [.name("f"), .symbol("("), .number(1), .symbol(","), .number(2), .symbol(")"), .end])
    }

    @Test("every token keeps its source range")
    func ranges() throws {
        let tokens = try Lexer.tokenize("ab + 12.5")
        #expect(tokens.map(\.range) == [SourceRange(0, 2), SourceRange(3, 4), SourceRange(5, 9), SourceRange(9, 9)])
    }

    @Test("bad characters, unclosed strings and malformed numbers are syntax errors with a place")
    func errors() {
        #expect(throws: CellError(.syntax, "unexpected character '$'", at: SourceRange(2, 3))) { try Lexer.tokenize("x $ y") }
        #expect(throws: CellError(.syntax, "this string has no closing \"", at: SourceRange(4, 5))) { try Lexer.tokenize("x = \"abc") }
        #expect(throws: CellError(.syntax, "'1.2.3' is not a number", at: SourceRange(0, 5))) { try Lexer.tokenize("1.2.3") }
        #expect(throws: CellError(.syntax, "a name can't start with a digit", at: SourceRange(0, 2))) { try Lexer.tokenize("2x") }
    }
}
