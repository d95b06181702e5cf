import TensorCore
import Testing

@testable import Notebook

/// Every kind of error, with its exact text: the line, the caret, the message and the hint.
@Suite("Errors that teach")
struct ErrorTests {
    @Test(arguments: [
        // name errors, with the nearest name
        ("randm(3)", "  randm(3)\n  ^^^^^\nname error: 'randm' is not defined\ndid you mean 'rand'?"),
        ("x = zeros(2); x.shap", "  x = zeros(2); x.shap\n                ^^^^^^\nname error: a tensor has no attribute 'shap'\ndid you mean 'shape'?"),
        ("zeros = 3", "  zeros = 3\n  ^^^^^\nname error: 'zeros' is a builtin; pick another name"),
        // shape errors name the shapes
        ("zeros(2, 3) @ zeros(2, 3)", "  zeros(2, 3) @ zeros(2, 3)\n  ^^^^^^^^^^^^^^^^^^^^^^^^^\nshape error: can't matmul [2, 3] @ [2, 3]: inner sizes 3 and 2 differ"),
        ("ones(2, 3) + ones(4)", "  ones(2, 3) + ones(4)\n  ^^^^^^^^^^^^^^^^^^^^\nshape error: can't broadcast [2, 3] with [4]: sizes 3 and 4 differ on axis -1"),
        ("ones(4).reshape(3, 2)", "  ones(4).reshape(3, 2)\n  ^^^^^^^^^^^^^^^^^^^^^\nshape error: can't reshape [4] (4 elements) to [3, 2] (6 elements)"),
        ("ones(3)[5]", "  ones(3)[5]\n  ^^^^^^^^^^\nshape error: index 5 is out of range for axis 0 of size 3"),
        (
            "Linear(784, 10)(zeros(2, 1, 28, 28))",
            "  Linear(784, 10)(zeros(2, 1, 28, 28))\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nshape error: Linear takes [batch, 784], got [2, 1, 28, 28] — flatten it first, e.g. x.flatten(1)"
        ),
        ("tensor([[1, 2], [3]])", "  tensor([[1, 2], [3]])\n         ^^^^^^^^^^^^^\nshape error: the rows of this list have different lengths ([2] and [1])"),
        (
            "randn(3, requires_grad=True).backward()",
            "  randn(3, requires_grad=True).backward()\n  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nshape error: backward() starts from one number (a loss), but this tensor has shape [3]; reduce it first, e.g. .sum() or .mean()"
        ),
        // type errors name the types
        ("'a' * 'b'", "  'a' * 'b'\n  ^^^^^^^^^\ntype error: can't multiply (*) a str and a str"),
        ("randn(2, 'x')", "  randn(2, 'x')\n           ^^^\ntype error: a size must be a whole number, got str"),
        ("zeros(2, seed=1)", "  zeros(2, seed=1)\n           ^^^^^^\ntype error: zeros() has no argument 'seed'\nits arguments: size, requires_grad"),
        ("SGD([], 0.1, 0, 0, 0)", "  SGD([], 0.1, 0, 0, 0)\n                     ^\ntype error: SGD() takes at most 4 positional arguments, got 5"),
        ("3(2)", "  3(2)\n  ^\ntype error: a int can't be called"),
        // value errors
        ("1 / 0", "  1 / 0\n      ^\nvalue error: division by zero"),
        (
            "zeros(2).backward()",
            "  zeros(2).backward()\n  ^^^^^^^^^^^^^^^^^^^\nvalue error: this tensor has no gradient history: nothing it was computed from requires grad\ncreate the inputs with requires_grad=True, e.g. w = tensor([1.0], requires_grad=True)"
        ),
        (
            "w = ones(2, requires_grad=True); w[0] = 5",
            "  w = ones(2, requires_grad=True); w[0] = 5\n                                   ^^^^\nvalue error: can't write into a tensor that requires grad (it would break its gradient); write into x.detach() or a copy"
        ),
        ("[1, 2][7]", "  [1, 2][7]\n         ^\nvalue error: index 7 is out of range for a list of 2"),
        // limits
        (
            "zeros(100000, 100000)",
            "  zeros(100000, 100000)\n  ^^^^^^^^^^^^^^^^^^^^^\nlimit: a tensor of shape [100000, 100000] would need more than 200 MB; the notebook's budget is 50000000 elements"
        ),
        ("range(10 ** 9)", "  range(10 ** 9)\n  ^^^^^^^^^^^^^^\nlimit: range(0, 1000000000) has 1000000000 numbers; at most 10000000"),
        // syntax
        ("x = (1 + ", "  x = (1 + \n           ^\nsyntax error: expected a value (a number, a name, a string, '(' or '['), found end of input"),
    ])
    func message(cell: String, expected: String) {
        let result = makeSession().run(cell)
        #expect(!result.succeeded)
        #expect(result.lines.joined(separator: "\n") == expected)
    }

    @Test("the engine's shape problems are data; the notebook words them, naming every shape and size")
    func shapeMessages() {
        let cases: [(ShapeError, String)] = [
            (.broadcast(a: [2, 3], b: [4], axis: -1, sizeA: 3, sizeB: 4), "can't broadcast [2, 3] with [4]: sizes 3 and 4 differ on axis -1"),
            (.matmulNeedsAxes(a: [], b: [3]), "can't matmul [] @ [3]: both need at least one axis"),
            (.matmulInner(a: [2, 3], b: [2, 3], innerA: 3, innerB: 2), "can't matmul [2, 3] @ [2, 3]: inner sizes 3 and 2 differ"),
            (.matmulBatch(a: [2, 1, 3], b: [4, 3, 1], batchA: [2], batchB: [4]), "can't matmul [2, 1, 3] @ [4, 3, 1]: batch sizes [2] and [4] differ"),
            (.reshapeSizes(to: [-1, -1]), "can't reshape to [-1, -1]: sizes must be ≥ 0, with at most one -1"),
            (.reshapeCount(from: [2, 3, 4], to: [5, -1], toCount: nil), "can't reshape [2, 3, 4] (24 elements) to [5, -1]"),
            (.reshapeCount(from: [2, 3, 4], to: [5, 5], toCount: 25), "can't reshape [2, 3, 4] (24 elements) to [5, 5] (25 elements)"),
            (.indexOutOfRange(index: 3, axis: 0, size: 3), "index 3 is out of range for axis 0 of size 3"),
            (.zeroSliceStep, "slice step cannot be zero"),
            (.tooManyIndices(count: 3, shape: [3, 4]), "too many indices: 3 for a tensor of shape [3, 4]"),
        ]
        for (error, text) in cases { #expect(error.message == text) }
        // And through a cell, with the caret under the expression.
        #expect(Session().run("zeros(2, 3) @ zeros(2, 3)").lines.contains("shape error: can't matmul [2, 3] @ [2, 3]: inner sizes 3 and 2 differ"))
    }

    @Test("Ctrl-C stops a loop at the next statement with a clear message, and the session goes on")
    func interrupt() {
        let s = makeSession()
        // The flag is global and a cell ending in a test running alongside clears it: try a few times.
        var result = s.run("1")
        for _ in 0..<10 {
            interruptRequested.store(true, ordering: .relaxed)
            result = s.run("n = 0; for i in range(1000000): n += 1")
            if result.error?.kind == .interrupted { break }
        }
        #expect(result.error?.kind == .interrupted)
        #expect(result.lines.last == "interrupted: stopped by Ctrl-C")
        #expect(s.text("1 + 1") == "2")
    }

    @Test("a missing dataset says what to do")
    func missingData() {
        let s = Session(dataDirectory: .init(root: "/nonexistent", debianFashion: "/nonexistent"))
        #expect(s.run("mnist()").lines.suffix(2) == ["value error: MNIST is not on this machine", "run `make data` (or `ganbook data fetch`) in a terminal, then try again"])
    }
}
