import Testing

@testable import TorchExport

@Suite struct TranslationTests {
    func lines(_ cells: [String]) -> [String] {
        var t = TorchTranslator()
        return cells.flatMap { t.translate($0).lines }
    }

    @Test func tensorsBecomeFloat32() {
        #expect(lines(["x = tensor([[1, 2, 3], [4, 5, 6]])", "x"]) == ["x = torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.float32)", "print(x)"])
    }
}
