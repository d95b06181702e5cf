import CellLanguage
import Foundation
import Testing

@testable import Lessons
@testable import Notebook

/// Inputs that once killed the process (issue 14), each now one clear error with a caret, after
/// which the session goes on. Each is a specification of the one door for numbers, the budget for
/// lists and loops, or the single depth limit.
@Suite("One-line cells that used to kill the notebook")
struct OneLineKillerTests {
    static let killers: [(cell: String, message: String)] = [
        ("[1, 2][1e300]", "value error: index 1e+300 is out of range for a list of 2"),
        ("[1, 2][-1e19]", "value error: index -1e+19 is out of range for a list of 2"),
        ("'abc'[1e300]", "value error: index 1e+300 is out of range for a list of 3"),
        ("x = zeros(3); x[1e19] = 3", "value error: a tensor index must be a whole number between -2⁵³ and 2⁵³, got 1e+19"),
        ("sum(zeros(2, 3), dim=1e300)", "value error: dim must be a whole number from -2 to 1, got 1e+300"),
        ("ones(3).sum(dim=-1e19)", "value error: dim must be a whole number from -1 to 0, got -1e+19"),
        ("cat([ones(2)], dim=1e300)", "value error: dim must be a whole number from -1 to 0, got 1e+300"),
        ("cat([1, 2])", "shape error: cat joins tensors along an axis, and a 0-d tensor has none; use stack to make a vector of them"),
        ("arange(1e300)", "limit: arange(0, 1e+300, 1) would have 1e+300 values; the notebook's budget is 50000000 elements"),
        ("arange(1e400-1e400)", "value error: arange needs finite numbers, got 0, nan, 1"),
        ("show(randn(28, 28), scale=1e6)", "value error: scale must be a whole number from 1 to 16, got 1000000"),
        ("x = [0] * 999999; y = x * 999999", "limit: a list of 999998000001 items is beyond the notebook's budget of 50000000"),
        ("[1] * 1e300", "value error: a list's repeat count must be a whole number from 0 to 50000000, got 1e+300"),
        ("for r in zeros(50000000): 1", "limit: this loop would run 50000000 times; a loop may run at most 10000000 times"),
        ("x = randn(3); x.unsqueeze(1e300)", "value error: dim must be a whole number from -2 to 1, got 1e+300"),
        ("seed(-1)", "value error: n must be a whole number ≥ 0, got -1"),
        ("round(3.1, 1e300)", "value error: digits must be a whole number from -300 to 300, got 1e+300"),
        ("zeros(2, 3).reshape(-1e300)", "value error: a size must be a whole number from -1 to 50000000, got -1e+300"),
        ("x = randn(3); x[::1e300]", "value error: a slice bound must be a whole number between -2⁵³ and 2⁵³, got 1e+300"),
        ("hist(randn(50), bins=1e300)", "value error: bins must be a whole number from 1 to 1000, got 1e+300"),
        ("eye(nan)".replacingOccurrences(of: "nan", with: "1e400-1e400"), "value error: n must be a finite whole number, got nan"),
    ]

    @Test("each gives one error with a caret, and the next cell runs", arguments: killers)
    func oneClearError(cell: String, message: String) {
        let s = makeSession()
        let result = s.run(cell)
        #expect(!result.succeeded)
        #expect(result.lines.contains(message), "\(result.lines)")
        #expect(result.lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("^") })
        #expect(s.text("1 + 41") == "42")
    }

    @Test("0-d tensors take dim 0 as PyTorch's reductions do, and give a 0-d result")
    func scalarsWithDim() {
        let s = makeSession()
        #expect(s.text("softmax(5)") == "tensor(1.)")
        #expect(s.text("max(tensor(5.), dim=0)") == "tensor(5.)")
        #expect(s.text("sum(tensor(5.), dim=0)") == "tensor(5.)")
        #expect(s.text("tensor(5.).size(0)").hasSuffix("value error: a 0-d tensor has no axes, so dim can't be given here"))
    }

    @Test("a GAN's train() refuses every=0, steps and epochs beyond the limit, before training")
    func trainArguments() {
        let s = makeSession()
        _ = s.run("gan = GAN(arch=\"mlp\", batch=16)")
        #expect(s.text("gan.train(steps=10, every=0)").hasSuffix("value error: every must be a whole number from 1 to 1000000, got 0"))
        #expect(s.text("gan.train(epochs=1e300)").hasSuffix("value error: epochs=1e+300 would be more than the 1000000 steps one train() may run"))
        #expect(s.text("gan.train(epochs=1e400-1e400)").hasSuffix("value error: epochs must be a number > 0, got nan"))
        #expect(s.text("gan.steps") == "0")
        #expect(s.text("GAN(k=100000000)").hasSuffix("value error: k must be a whole number from 1 to 100, got 100000000"))
    }

    @Test(
        "one depth limit, whatever makes the depth",
        arguments: [
            String(repeating: "1+", count: 5000) + "1",
            "x = zeros(2); x" + String(repeating: ".T", count: 5000),
            String(repeating: "-", count: 5000) + "1",
            String(repeating: "not ", count: 5000) + "1",
            String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500),
            String(repeating: "for i in [1]: ", count: 500) + "1",
            String(repeating: "1 < ", count: 3000) + "2",
        ])
    func depth(cell: String) {
        let s = makeSession()
        let result = s.run(cell)
        #expect(result.error?.kind == .limit, "\(result.lines.suffix(1))")
        #expect(result.lines.last?.hasPrefix("limit: this is nested too deeply") == true)
        #expect(s.text("1 + 41") == "42")
    }

    @Test("expressions within the limit still work: a 90-term sum, a 90-link chain")
    func withinTheLimit() {
        let s = makeSession()
        #expect(s.text(String(repeating: "1+", count: 89) + "1") == "90")
        #expect(s.text("x = zeros(2, 3); x" + String(repeating: ".T", count: 90) + ".shape") == "[2, 3]")
    }
}

/// A lesson's `{…}`, conditions, checks and answers run when a step is shown: they may only read.
@Suite("Lesson expressions may only read")
struct ReadOnlyExpressionTests {
    @Test(
        "reading values, operators, indexing, pure functions and methods, and a fresh layer are allowed",
        arguments: [
            "x.sum().item()", "median([1, 2, 3])", "tensor([1, 2])[0] + abs(-3)", "Conv2d(1, 1, 3, padding=1)(zeros(1, 1, 5, 5)).shape",
            "max(x.abs().mean(dim=0))", "quick(1, 2)",
        ])
    func allowed(_ expression: String) throws {
        try ReadOnlyExpression.check(try Parser.parseExpression(expression))
    }

    @Test(
        "writing files, training, printing, stepping and calling a model are refused",
        arguments: [
            "save_model(net, 'notes.txt')", "gan.save('x.safetensors')", "save_png(x, 'a.png')", "gan.train(steps=10)",
            "print(1)", "opt.step()", "net(x)", "seed(3)", "randn(2)", "show(x)", "[1, save_model(net, 'a')][0]",
        ])
    func refused(_ expression: String) throws {
        #expect(throws: CellError.self) { try ReadOnlyExpression.check(try Parser.parseExpression(expression)) }
    }

    @Test("prose that would write a file shows the refusal instead, and writes nothing")
    func proseWritesNothing() {
        let s = makeSession()
        _ = s.run("net = Linear(2, 2)")
        let text = s.interpolate("weights: {save_model(net, \"prose-wrote-this.safetensors\")}")
        #expect(text.contains("{?save_model(net, \"prose-wrote-this.safetensors\"): a lesson's prose, checks and answers may only read values"))
        #expect(!FileManager.default.fileExists(atPath: "prose-wrote-this.safetensors"))
    }
}
