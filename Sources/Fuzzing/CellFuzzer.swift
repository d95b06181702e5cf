import Datasets
import Notebook
import TensorCore

/// Feeds a session random and mutated lines to prove that no input crashes or hangs it.
/// Used by the test suite (thousands of lines) and by `ganbook fuzz` (100,000 and more).
public struct CellFuzzer {
    /// Valid cells to mutate: they cover the grammar and the builtins.
    public static let seeds = [
        "x = tensor([[1, 2], [3, 4]])", "y = x @ x.T + 1", "z = randn(3, 4, requires_grad=True)", "l = (z * 2).sum(); l.backward(); z.grad",
        "x[0, 1] = 5", "x[:, ::-1]", "w = zeros(4, requires_grad=True)", "for i in range(3): w = w - 0.1", "a = 1; a += 2; a **= 2",
        "net = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))", "net(randn(2, 4))", "opt = SGD(net.parameters(), lr=0.1)", "opt.step()",
        "softmax(tensor([1, 2, 3]), dim=0)", "cross_entropy(randn(3, 5), tensor([0, 1, 4]))", "conv = Conv2d(1, 2, 3, padding=1)",
        "conv(randn(2, 1, 6, 6)).shape", "help(randn)", "x.sum?", "vars()", "mean(x, dim=1, keepdim=True)", "not 0 or 1 and 2",
        "arange(0, 10, 2)[1:3]", "linspace(-1, 1, 5).reshape(5, 1)", "cat([x, x], dim=1)", "stack([x, x])", "show(rand(4, 4))",
        "plot([3, 2, 1])", "hist(randn(50))", "heatmap(randn(2, 3))", "graph(l)", "print('a', 1, [2])", "len([1, 2, 3])",
        "max(x, dim=0)", "bce_with_logits(randn(4), ones(4))", "Adam(net.parameters(), lr=0.01, betas=[0.5, 0.999])",
        "BatchNorm1d(3)(randn(4, 3))", "MaxPool2d(2)(randn(1, 1, 4, 4))", "ConvTranspose2d(2, 1, 4, stride=2, padding=1)(randn(1, 2, 3, 3))",
        "x.reshape(-1)", "x.permute(1, 0)", "x.unsqueeze(0).squeeze()", "where(x > 2, x, 0)", "clamp(x, min=0, max=3)", "7 // 2 % 3 ** 2",
        "'ab' + 'c'", "[1, 2] * 2", "float(tensor(3))", "int(2.7)", "round(3.14159, 2)", "seed(1); randn(2)",
    ]

    /// Words for random lines: names, numbers (small, so a fuzz line stays quick), operators, punctuation.
    static let vocabulary = [
        "x", "y", "z", "w", "net", "opt", "conv", "l", "a", "tensor", "zeros", "ones", "randn", "rand", "arange", "linspace", "eye",
        "sum", "mean", "max", "softmax", "backward", "grad", "shape", "reshape", "T", "item", "Linear", "Conv2d", "Sequential", "SGD",
        "show", "plot", "hist", "help", "vars", "range", "print", "len", "for", "in", "not", "and", "or", "True", "None",
        "0", "1", "2", "3", "-1", "0.5", "1e-3", "28", "'s'", "\"t\"", "1e300", "1e400", "2**63", "-0.0", "1e-320",
        "+", "-", "*", "/", "//", "%", "**", "@", "==", "<", ">=", "=", "+=", "*=", "(", ")", "[", "]", ",", ":", ".", ";", "?", "#", "\n",
    ]

    public var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// A line: random words; a valid cell with a few characters inserted, deleted or swapped, or with
    /// a number replaced by an edge number; a builtin or a member of a live value called with odd
    /// arguments; or a random expression tree. `session` supplies the live values.
    public mutating func nextLine(session: Session? = nil) -> String {
        switch generator.next() % 10 {
        case 0...2: return randomWords()
        case 3...4: return mutatedSeed()
        case 5: return withEdgeNumber(CellFuzzer.seeds[Int(generator.next() % UInt64(CellFuzzer.seeds.count))])
        case 6...7: return builtinCall()
        case 8: if let session, let line = memberCall(session: session) { return line }; return builtinCall()
        default: return expression(depth: 4)
        }
    }

    /// A valid cell with its first number (or a random spot) replaced by an edge number.
    mutating func withEdgeNumber(_ cell: String) -> String {
        let digits = cell.indices.filter { cell[$0].isNumber }
        guard !digits.isEmpty else { return cell + " + " + pick(CellFuzzer.edgeNumbers) }
        let at = digits[Int(generator.next() % UInt64(digits.count))]
        return String(cell[..<at]) + pick(CellFuzzer.edgeNumbers) + String(cell[cell.index(after: at)...])
    }

    mutating func randomWords() -> String {
        let n = 1 + Int(generator.next() % 12)
        return (0..<n).map { _ in CellFuzzer.vocabulary[Int(generator.next() % UInt64(CellFuzzer.vocabulary.count))] }.joined(separator: generator.next() % 3 == 0 ? "" : " ")
    }

    mutating func mutatedSeed() -> String {
        var chars = Array(CellFuzzer.seeds[Int(generator.next() % UInt64(CellFuzzer.seeds.count))])
        let alphabet = Array("()[],:.;=+-*/@%<>!?#'\"_ 0123456789xyzTabc\n")
        for _ in 0..<(1 + Int(generator.next() % 4)) where !chars.isEmpty {
            let i = Int(generator.next() % UInt64(chars.count))
            switch generator.next() % 3 {
            case 0: chars.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: i)
            case 1: chars.remove(at: i)
            default: chars.swapAt(i, Int(generator.next() % UInt64(chars.count)))
            }
        }
        return String(chars)
    }

    /// Runs `count` lines through one session (state carries over, as at a real prompt).
    /// Returns how many ran cleanly and how many gave an error message; a crash would end the process.
    /// `before` sees each line before it runs (`ganbook fuzz --log` keeps them, so a crash names its line).
    public mutating func run(count: Int, session: Session, before: ((String) -> Void)? = nil) -> (ok: Int, errors: Int) {
        var ok = 0, errors = 0
        for _ in 0..<count {
            let line = nextLine(session: session)
            before?(line)
            if session.run(line).succeeded { ok += 1 } else { errors += 1 }
        }
        return (ok, errors)
    }
}
