import Testing

@testable import TorchExport

/// Cells and their PyTorch, pinned as text.
@Suite struct TranslationTests {
    /// The lines of each cell, translated in order (so later cells know what earlier ones made).
    func lines(_ cells: String...) -> [String] {
        var t = TorchTranslator()
        return cells.flatMap { t.translate($0).lines }
    }

    @Test func tensorsAreFloat32AndExpressionsPrint() {
        #expect(lines("x = tensor([[1, 2, 3], [4, 5, 6]])", "x") == ["x = torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.float32)", "print(x)"])
        #expect(lines("w = tensor(5.0, requires_grad=True)") == ["w = torch.tensor(5, dtype=torch.float32, requires_grad=True)"])
        #expect(lines("arange(6)", "randint(0, 10, [3])") == ["print(torch.arange(6, dtype=torch.float32))", "print(torch.randint(0, 10, (3,)).float())"])
    }

    @Test func shapesPrintAsTheNotebookPrintsThem() {
        #expect(lines("x = zeros(2, 3)", "x.shape", "(x @ x.T).shape") == ["x = torch.zeros(2, 3)", "print(list(x.shape))", "print(list((x @ x.T).shape))"])
    }

    @Test func notebookSemanticsBecomePyTorchSpelling() {
        #expect(lines("s = zeros(3, 4)", "s.max(dim=0)") == ["s = torch.zeros(3, 4)", "print(s.max(dim=0).values)"])
        #expect(lines("x = zeros(3)", "x[::-1]") == ["x = torch.zeros(3)", "print(x.flip(0))"])
        #expect(lines("img = zeros(28, 28)", "(img > 0.5).mean()") == ["img = torch.zeros(28, 28)", "print((img > 0.5).float().mean())"])
        #expect(lines("n = 3", "n == 3") == ["n = 3", "print(n == 3)"])
        #expect(lines("loss = cross_entropy(out, batch[1])") == ["loss = F.cross_entropy(out, batch[1].long())"])
        #expect(lines("w = tensor(1.0, requires_grad=True)", "w.zero_grad()") == ["w = torch.tensor(1, dtype=torch.float32, requires_grad=True)", "w.grad = None"])
        #expect(lines("net = Sequential(Linear(2, 3), ReLU())", "net.parameters()[0].shape") == [
            "net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())", "print(list(list(net.parameters())[0].shape))",
        ])
        #expect(lines("type(net[0])") == ["print(type(net[0]).__name__)"])
        #expect(lines("seed(0); randn(2, 3)") == ["torch.manual_seed(0)", "print(torch.randn(2, 3))"])
    }

    @Test func statementsWithoutAValueAreNotPrinted() {
        #expect(lines("opt = SGD([w, b], lr=0.1)", "opt.zero_grad()", "loss.backward()", "opt.step()", "show(img)") == [
            "opt = torch.optim.SGD([w, b], lr=0.1)", "opt.zero_grad()", "loss.backward()", "opt.step()", "show(img)",
        ])
    }

    @Test func loopsIndentTheirBodies() {
        #expect(
            lines("for i in range(3): loss = (w - 3) ** 2; loss.backward(); path = path + [w.item()]") == [
                "for i in range(3):", "    loss = (w - 3) ** 2", "    loss.backward()", "    path = path + [w.item()]",
            ])
    }

    @Test func bracketsOnlyWherePythonNeedsThem() {
        #expect(lines("a - (b - c)", "(a - b) - c", "-(a + b)", "a ** -b", "(a ** b) ** c", "a ** b ** c", "not (a and b)", "(a * b).sum()") == [
            "print(a - (b - c))", "print(a - b - c)", "print(-(a + b))", "print(a ** -b)", "print((a ** b) ** c)", "print(a ** b ** c)",
            "print(not (a and b))", "print((a * b).sum())",
        ])
    }

    @Test func afterTheReviewLearnerCellsStayRunnable() {
        // Rebinding, as the notebook does (in-place `-=` on a leaf that needs gradients fails in PyTorch).
        #expect(lines("w = tensor(1.0, requires_grad=True)", "w -= 0.1 * w.grad") == [
            "w = torch.tensor(1, dtype=torch.float32, requires_grad=True)", "w = w - (0.1 * w.grad)",
        ])
        // Names Python reserves, or the script's own helpers use, get an underscore.
        #expect(lines("lambda = 0.5", "sum = lambda * 2", "sum") == ["lambda_ = 0.5", "sum_ = lambda_ * 2", "print(sum_)"])
        // A comparison whose sides are not known before it runs goes through as_float; numbers stay numbers.
        #expect(lines("s = gan_like_list", "s[0] > 5", "2 > 1") == ["s = gan_like_list", "print(as_float(s[0] > 5))", "print(2 > 1)"])
        #expect(lines("x = zeros(3)", "where(x > 0, x, 0)") == ["x = torch.zeros(3)", "print(torch.where(torch.as_tensor((x > 0).float()) != 0, x, 0))"])
        #expect(lines("softmax(x)", "full([2, 2], 7)") == ["print(torch.softmax(x, dim=-1))", "print(torch.full((2, 2), 7, dtype=torch.float32))"])
        #expect(lines("net = Sequential(Linear(2, 3))", "params = net.parameters()") == ["net = nn.Sequential(nn.Linear(2, 3))", "params = list(net.parameters())"])
        #expect(lines("opt = SGD([w], lr=0.1)", "opt.lr = 0.01", "opt.lr") == [
            "opt = torch.optim.SGD([w], lr=0.1)", "for group in opt.param_groups: group[\"lr\"] = 0.01", "print(opt.param_groups[0][\"lr\"])",
        ])
        #expect(lines("zeros?") == ["print(getattr(torch.zeros, \"__doc__\", None))"])
        #expect(lines("path = [1, 2]", "path[::-1]") == ["path = [1, 2]", "print(reverse(path))"])
    }

    @Test func onlyTheLastStatementOfACellShowsItsValueAndLoopsShowNothing() {
        #expect(lines("net = Sequential(ReLU())", "net.eval(); parts = []") == ["net = nn.Sequential(nn.ReLU())", "net.eval()", "parts = []"])
        #expect(lines("x = zeros(2); x") == ["x = torch.zeros(2)", "print(x)"])
        #expect(lines("for i in range(3): x + i") == ["for i in range(3):", "    x + i"])
    }

    @Test func aFileACellWithoutAnEquivalentWroteCannotBeLoadedLater() {
        var t = TorchTranslator()
        _ = t.translate("cgan = GAN(conditional=True)")
        #expect(t.translate("save(cgan.sample(100, digit=3), \"threes.safetensors\")").missing != nil)
        #expect(t.translate("threes = load(\"threes.safetensors\")").missing?.hasPrefix("no PyTorch equivalent: the file threes.safetensors comes from a cell that has none") == true)
        #expect(t.translate("other = load(\"mine.safetensors\")").missing == nil)
    }

    @Test func aOneLineCellKeepsItsComment() {
        #expect(lines("scores.sum(dim=0)     # one total per quiz") == ["print(scores.sum(dim=0))  # one total per quiz"])
        #expect(lines("print(\"a # b\")") == ["print(\"a # b\")"])
    }

    @Test func helpersAreNamedSoTheScriptDefinesThem() {
        var t = TorchTranslator()
        #expect(t.translate("data = mnist()").helpers == ["mnist"])
        #expect(t.translate("show(data.image(0), scale=2)").helpers == ["show"])
        #expect(t.translate("gan = GAN(batch=quick(16, 64))").helpers == ["quick", "GAN"])
    }

    @Test func cellsWithoutAnEquivalentSaySoAndSoDoCellsReadingWhatTheyMade() {
        var t = TorchTranslator()
        let c = t.translate("cgan = GAN(conditional=True)")
        #expect(c.missing?.hasPrefix("no PyTorch equivalent: the conditional GAN of lesson 6") == true)
        #expect(c.lines.first?.hasPrefix("# no PyTorch equivalent") == true && c.lines.last == "# cgan = GAN(conditional=True)")
        let later = t.translate("show(cgan.sample(8, digit=7))")
        #expect(later.missing?.hasPrefix("no PyTorch equivalent: cgan comes from a cell that has none") == true)
        // Assigning the name again from a cell that translates makes it available again.
        _ = t.translate("cgan = GAN()")
        #expect(t.translate("cgan.step()").missing == nil)
        #expect(t.translate("x = [1, 2").missing?.hasPrefix("no PyTorch equivalent: the cell does not parse") == true)
    }
}
