import Testing

@testable import CellLanguage

@Suite("Parser: every grammar rule, as printed trees")
struct ParserTests {
    /// The cell's statements as S-expressions.
    func tree(_ s: String) throws -> String { try Parser.parse(s).map(\.description).joined(separator: " | ") }

    @Test(
        "precedence and associativity follow Python",
        arguments: [
            ("1 + 2 * 3", "(+ 1 (* 2 3))"),
            ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
            ("1 - 2 - 3", "(- (- 1 2) 3)"),
            ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
            ("-2 ** 2", "(- (** 2 2))"),
            ("2 ** -1", "(** 2 (- 1))"),
            ("a @ b + c", "(+ (@ a b) c)"),
            ("7 // 2 % 3", "(% (// 7 2) 3)"),
            ("not a == b", "(not (== a b))"),
            ("a or b and c", "(or a (and b c))"),
            ("0 < x < 1", "(and (< 0 x) (< x 1))"),
            ("x >= 1 != y", "(and (>= x 1) (!= 1 y))"),
            ("+x", "(+ x)"),
        ])
    func precedence(source: String, expected: String) throws {
        #expect(try tree(source) == expected)
    }

    @Test(
        "atoms, lists, calls with keywords, attributes, indexing and slices",
        arguments: [
            ("[1, 'a', True, None, []]", "[1 \"a\" True None []]"),
            ("randn(2, 3, requires_grad=True)", "(call randn 2 3 requires_grad=True)"),
            ("f()", "(call f)"),
            ("x.sum(dim=0).item()", "(call (. (call (. x sum) dim=0) item))"),
            ("x[0]", "(index x 0)"),
            ("x[:, 1:3]", "(index x _:_:_ 1:3:_)"),
            ("x[::-1]", "(index x _:_:(- 1))"),
            ("x[-1, ::2, 1:]", "(index x (- 1) _:_:2 1:_:_)"),
            ("net[0].weight", "(. (index net 0) weight)"),
        ])
    func postfix(source: String, expected: String) throws {
        #expect(try tree(source) == expected)
    }

    @Test(
        "statements: assignment, augmented assignment, help, ';', lines, one-line for loops",
        arguments: [
            ("x = 1", "(= x 1)"),
            ("x[0, 1] = 5", "(= (index x 0 1) 5)"),
            ("opt.lr = 0.1", "(= (. opt lr) 0.1)"),
            ("w -= 0.1 * g", "(-= w (* 0.1 g))"),
            ("a //= 2; b **= 2", "(//= a 2) | (**= b 2)"),
            ("randn?", "(help randn)"),
            ("x.sum?", "(help (. x sum))"),
            ("a = 1\nb = 2\n", "(= a 1) | (= b 2)"),
            ("for i in range(3): w -= 0.1 * w.grad; print(i)", "(for i (call range 3) (-= w (* 0.1 (. w grad))) (call print i))"),
            ("for i in range(2): for j in range(2): print(i, j)", "(for i (call range 2) (for j (call range 2) (call print i j)))"),
            ("# only a comment", ""),
        ])
    func statements(source: String, expected: String) throws {
        #expect(try tree(source) == expected)
    }

    @Test(
        "printing a tree as source and parsing it again gives the same tree",
        arguments: [
            "y = (w * x + b - t) ** 2 / 2", "x[1:, ::-2] = -x.mean(dim=[0, 1], keepdim=True)", "for k in range(10): a += k % 3; b = not a or b < 1",
            "net = Sequential(Linear(784, 32), ReLU(), Linear(32, 10)); loss = cross_entropy(net(x.flatten(1)), y)",
            "z = -(-2) ** -a @ b.T[0]", "s = 'it\\'s' + \"a\\nb\"", "q = [[1, 2], [3, 4]][0][1]", "x.shape?",
        ])
    func roundTrip(source: String) throws {
        let once = try Parser.parse(source)
        let again = try Parser.parse(once.map(\.source).joined(separator: "; "))
        #expect(again.map(\.description) == once.map(\.description))
    }

    @Test("ranges cover each node's text")
    func ranges() throws {
        let stmt = try Parser.parse("y = f(a, b=2)[0]")[0]
        guard case .assign(let target, let value, let range) = stmt else { Issue.record("not an assignment"); return }
        #expect(target.range == SourceRange(0, 1))
        #expect(value.range == SourceRange(4, 16))
        #expect(range == SourceRange(0, 16))
    }

    @Test(
        "syntax errors say what was expected, with a caret under the token",
        arguments: [
            ("(1 + 2", "  (1 + 2\n        ^\nsyntax error: expected ')' to close the parenthesis opened here, found end of input"),
            ("1 +", "  1 +\n     ^\nsyntax error: expected a value (a number, a name, a string, '(' or '['), found end of input"),
            ("f(1 2)", "  f(1 2)\n      ^\nsyntax error: expected ')' to close the call, found number 2"),
            ("x = = 2", "  x = = 2\n      ^\nsyntax error: expected a value (a number, a name, a string, '(' or '['), found '='"),
            ("1 = x", "  1 = x\n  ^\nsyntax error: can't assign to this: only names, x[…] and x.name can be assigned"),
            ("f(a=1, 2)", "  f(a=1, 2)\n         ^\nsyntax error: positional arguments must come before keyword arguments"),
            ("f(a=1, a=2)", "  f(a=1, a=2)\n         ^\nsyntax error: keyword argument 'a' is given twice"),
            ("x[]", "  x[]\n    ^\nsyntax error: expected an index between '[' and ']', found ']'"),
            ("x.", "  x.\n    ^\nsyntax error: expected a name after '.', found end of input"),
            ("for in range(3): x", "  for in range(3): x\n      ^^\nsyntax error: expected a loop variable name after 'for', found 'in'"),
            ("for i in range(3) x", "  for i in range(3) x\n                    ^\nsyntax error: expected ':' after the loop's range, found name 'x'"),
            ("for i in range(3):", "  for i in range(3):\n                    ^\nsyntax error: expected a statement after ':' on the same line, found end of input"),
            ("a b", "  a b\n    ^\nsyntax error: expected ';' or a new line between statements, found name 'b'"),
            ("x = 1\ny = (2", "  2 | y = (2\n            ^\nsyntax error: expected ')' to close the parenthesis opened here, found end of input"),
        ])
    func syntaxErrors(source: String, expected: String) {
        do {
            _ = try Parser.parse(source)
            Issue.record("\(source) parsed")
        } catch {
            #expect(Diagnostic.render(error, source: source).joined(separator: "\n") == expected)
        }
    }

    @Test("nesting deeper than the limit is refused, not a stack overflow")
    func depth() {
        let deep = String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        #expect(throws: CellError.self) { try Parser.parse(deep) }
        let negatives = String(repeating: "-", count: 10_000) + "1"
        #expect(throws: CellError.self) { try Parser.parse(negatives) }
        #expect((try? Parser.parse(String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30))) != nil)
    }

    @Test("the nearest name for typos")
    func nearest() {
        #expect(nearestName(to: "randm", in: ["rand", "randn", "range"]) == "rand")
        #expect(nearestName(to: "rnadn", in: ["rand", "randn", "range"]) == "randn")
        #expect(nearestName(to: "Linaer", in: ["Linear", "Conv2d"]) == "Linear")
        #expect(nearestName(to: "zzz", in: ["rand"]) == nil)
        #expect(editDistance("kitten", "sitting") == 3)
    }
}
