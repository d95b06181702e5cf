import Datasets
import Foundation
import NN
import Testing

@testable import Lessons
@testable import Notebook
@testable import Terminal

/// `:torch` and `:export --torch` at the REPL.
@Suite("PyTorch from the REPL", .serialized)
struct TorchCommandsTests {
    /// A REPL on the project's data (the GAN needs MNIST), writing into a fresh folder.
    static func repl() -> (REPL, String) {
        let folder = NSTemporaryDirectory() + "ganbook-torch-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: folder + "/lessons", withIntermediateDirectories: true)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("datasets/data").path
        let session = Session(seed: 0, dataDirectory: DataDirectory(root: root))
        session.interpreter.settings.folder = folder
        return (REPL(session: session, course: Course(lessonsFolder: folder + "/lessons"), data: DataDirectory(root: root), write: { _ in }), folder)
    }

    @Test(":torch shows the last cell in PyTorch, or the cell given, knowing what earlier cells made")
    func torchCell() {
        let (repl, _) = TorchCommandsTests.repl()
        #expect(repl.handle(":torch") == ["no cells run yet — :torch <cell> translates the cell given, e.g. :torch zeros(2, 3)"])
        _ = repl.handle("w = tensor(2.0, requires_grad=True)")
        _ = repl.handle("w.zero_grad()")
        #expect(repl.handle(":torch") == ["w.grad = None"])
        _ = repl.handle("zeros(2, 3")  // an error: not a cell a script repeats
        #expect(repl.handle(":torch") == ["w.grad = None"])
        #expect(repl.handle(":torch show(w)") == ["show(w)", "# show: small helpers that :export --torch FILE.py writes into the script"])
        #expect(repl.handle(":torch restore(gan, x, m)").first?.hasPrefix("no PyTorch equivalent: restore() searches") == true)
    }

    @Test(":export --torch writes the session's cells; --weights adds the GAN's weights and its recorded steps")
    func exportWithWeights() throws {
        let (repl, folder) = TorchCommandsTests.repl()
        _ = repl.handle("gan = GAN(batch=4, seed=1)")
        _ = repl.handle("gan.step()")
        _ = repl.handle("gan.step()")
        _ = repl.handle("gan.nonsense()")
        let said = repl.handle(":export --torch \(folder)/session.py --weights")
        #expect(said.first == "wrote \(folder)/session.py: 3 cells as PyTorch. Run it with: python3 \(folder)/session.py")
        #expect(said.last == "wrote \(folder)/session.safetensors: gan: weights at step 2, its first 2 steps recorded")
        let script = try String(contentsOfFile: folder + "/session.py", encoding: .utf8)
        #expect(script.contains("    # >>> gan.step()\n    print(gan.step())") && !script.contains("nonsense"))
        #expect(script.contains("WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), \"session.safetensors\")"))
        let (tensors, meta) = try SafeTensors.load(folder + "/session.safetensors")
        let byName = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        #expect(meta["gans"] == "gan" && meta["gan.settings"]?.hasPrefix("{\"arch\": \"dcgan\", \"batch\": 4, \"k\": 1,") == true)
        #expect(byName["gan.record.real"]?.shape == [2, 1, 4, 1, 28, 28] && byName["gan.record.z"]?.shape == [2, 1, 4, 100])
        #expect(byName["gan.check.G_eval"]?.shape == [16, 1, 28, 28] && byName["gan.check.D_eval"]?.shape == [16])
        #expect(byName["gan.G.fc.weight"]?.shape == [6272, 100] && byName["gan.record.G.fc.weight"]?.shape == [6272, 100])
        #expect(byName["gan.record.loss_D"]?.scalars.count == 2)

        // A file ganbook did not write is never replaced without --force; its own script is.
        try "print('mine')\n".write(toFile: folder + "/mine.py", atomically: true, encoding: .utf8)
        #expect(repl.handle(":export --torch \(folder)/mine.py").first?.contains("not replacing it") == true)
        #expect(try String(contentsOfFile: folder + "/mine.py", encoding: .utf8) == "print('mine')\n")
        #expect(repl.handle(":export --torch \(folder)/session.py").first?.hasPrefix("wrote ") == true)
        #expect(repl.handle(":export --torch notes.md") == ["usage: :export --torch FILE.py (--weights: also the GANs' weights and recorded steps, which the script checks; --force: replace any file)"])
    }
}
