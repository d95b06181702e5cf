import Foundation
import Testing
import TextPlot

@testable import Fuzzing
@testable import Notebook

@Suite("Builtins, help, completion, pictures and data")
struct BuiltinTests {
    @Test("every builtin has a signature, a summary, an example and a known topic; help shows them")
    func helpTable() {
        for (name, b) in Builtins.table {
            #expect(b.help.signature.hasPrefix(name), "\(name)")
            #expect(!b.help.summary.isEmpty && !b.help.example.isEmpty, "\(name)")
            #expect(Builtins.topics.contains(b.help.topic), "\(name): topic \(b.help.topic)")
        }
        let s = makeSession()
        #expect(
            s.text("randn?") == """
                randn(*size, requires_grad=False)
                  Normal random numbers (mean 0, standard deviation 1), from the session's seeded generator.
                  example: randn(64, 100)
                """)
        #expect(s.text("x = zeros(2)", "x.reshape?").hasPrefix("x.reshape(*shape)"))
        #expect(s.text("help()").contains("pictures    graph, heatmap, hist, plot, save_png, show"))
    }

    @Test("every builtin's example runs (given the variables it names)")
    func examplesRun() {
        let s = makeSession()
        // classify()'s example trains a judge and saves it in the session's folder: a scratch one, never the checkout.
        s.interpreter.settings.folder = NSTemporaryDirectory() + "ganbook-examples-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: s.interpreter.settings.folder!, withIntermediateDirectories: true)
        _ = s.text(
            "x = randn(4, 3)", "w = tensor([1.0, 2.0], requires_grad=True)", "a = randn(2, 3)", "b = randn(2, 3)", "z = randn(4, 5)",
            "logits = randn(4, 10)", "y = tensor([1, 2, 3, 4])", "labels = ones(4)", "pred = randn(4)", "layer = Linear(3, 2)",
            "net = Sequential(Linear(784, 10))", "conv = Conv2d(1, 8, 3, padding=1)", "losses = [3, 2, 1]", "samples = rand(4, 1, 28, 28)",
            "D = Linear(3, 1)", "loss = (w * 2).sum()", "gan = GAN(batch=4)")
        // Builtins that read or write files are left out: their examples need files from earlier work.
        for (name, b) in Builtins.table.sorted(by: { $0.key < $1.key }) where !["save_png", "save_model", "load_model", "load_gan", "save", "load"].contains(name) {
            let result = s.run(b.help.example)
            let fashionMissing = name == "fashion" && result.error?.kind == .value
            #expect(result.succeeded || result.error?.kind == .shape || fashionMissing, "\(name): \(b.help.example) → \(result.lines.joined(separator: " / "))")
        }
    }

    @Test("vars lists names, types and shapes")
    func vars() {
        let s = makeSession()
        #expect(
            s.text("w = randn(3, 4, requires_grad=True); n = 2; net = Linear(2, 3)", "vars()") == """
                name  type    shape / value
                ───────────────────────────
                n     int     2
                net   Linear  9 parameters
                w     tensor  [3, 4] grad
                """)
    }

    @Test("completion: names in scope and builtins, attributes after a dot")
    func completion() {
        let s = makeSession()
        _ = s.text("xs = zeros(2); net = Sequential(Linear(2, 2))")
        #expect(s.interpreter.completions(for: "ran") == ["rand", "randint", "randn", "range"])
        #expect(s.interpreter.completions(for: "y = x") == ["xs"])
        #expect(s.interpreter.completions(for: "xs.sh") == ["xs.shape"])
        #expect(s.interpreter.completions(for: "print(xs.su") == ["xs.sum"])
        #expect(s.interpreter.completions(for: "net.par") == ["net.parameters"])
        #expect(s.interpreter.completions(for: "nothing.x") == [])
    }

    @Test("pictures: show, plot, hist, heatmap and graph draw into the outputs")
    func pictures() {
        let s = makeSession()
        let image = s.run("show(tensor([[0, 1, 0], [1, 1, 1], [0, 1, 0], [0, 1, 0]]))")
        #expect(image.lines == ["▄█▄", " █"])
        #expect(s.run("plot([1, 2, 3], log=True)").lines.count == 12)
        let h = s.run("hist(arange(100))").lines
        #expect(h[0] == "tensor[100] n=100 x∈[0.000, 99.000] μ=49.500 σ=29.011")
        #expect(s.run("heatmap(tensor([[1, -1]]))").lines == ["+█-█", "-1.00 █▓▒░ ░▒▓█ 1.00"])
        #expect(
            s.text("w = tensor([2.0], requires_grad=True); l = (w * 3).sum(); l.backward(); graph(l)") == """
                node  op           name   shape  value  grad
                ────────────────────────────────────────────
                #0    leaf         w      [1]    2.00   3.00
                #1    leaf         const  []     3.00   —
                #2    mul(#0, #1)         [1]    6.00   —
                #3    sum(#2)      l      []     6.00   —
                """)
    }

    @Test("MNIST as the learner sees it: images in [0, 1], labels, batches")
    func data() {
        let s = makeSession()
        #expect(s.text("data = mnist()", "data.image(0).shape") == "[28, 28]")
        #expect(s.text("m = data.image(0); [m.min().item(), m.max().item()]") == "[0, 1]")
        #expect(s.text("data.classes[3]") == "'3'")
        #expect(s.text("b = data.batch(8); [b[0].shape, b[1].shape]") == "[[8, 1, 28, 28], [8]]")
        #expect(s.text("data.images(0, 5, split='test').shape") == "[5, 1, 28, 28]")
        #expect(s.text("data.label(-1, split='test')") == "9")
        #expect(!s.run("data.image(100000)").succeeded)
    }

    @Test("seed makes randomness repeatable")
    func seeding() {
        let s = makeSession()
        let first = s.text("seed(7); randn(3)")
        #expect(s.text("seed(7); randn(3)") == first)
        #expect(s.text("randn(3)") != first)
    }
}

@Suite("Fuzzing: no input crashes or hangs the session")
struct FuzzTests {
    @Test("3 × 4,000 lines from the grammar, the builtins and mutations", arguments: [1, 2, 3])
    func fuzz(seed: UInt64) {
        var fuzzer = CellFuzzer(seed: seed)
        let session = makeSession(seed: seed)
        session.interpreter.quickMode = true
        let (ok, errors) = fuzzer.run(count: 4_000, session: session)
        #expect(ok + errors == 4_000)
        #expect(ok > 100 && errors > 100)
    }

    @Test("the same seed gives the same lines; another seed, other lines")
    func seeded() {
        var a = CellFuzzer(seed: 5), b = CellFuzzer(seed: 5), c = CellFuzzer(seed: 6)
        let la = (0..<200).map { _ in a.nextLine() }, lb = (0..<200).map { _ in b.nextLine() }, lc = (0..<200).map { _ in c.nextLine() }
        #expect(la == lb)
        #expect(la != lc)
    }

    @Test("its lines reach every builtin (but the file writers) and the edge numbers")
    func coverage() {
        var fuzzer = CellFuzzer(seed: 1)
        let text = (0..<5_000).map { _ in fuzzer.nextLine() }.joined(separator: "\n")
        let missing = CellFuzzer.builtinNames.filter { !text.contains($0 + "(") }
        #expect(missing.isEmpty, "never called: \(missing)")
        #expect(!text.contains("save_model(") && !text.contains("save_png("))
        for edge in ["1e300", "1e400", "(1e400-1e400)", "2**63", "-0.0", "1e-320"] { #expect(text.contains(edge)) }
    }
}
