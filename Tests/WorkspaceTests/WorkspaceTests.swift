import Datasets
import Foundation
import Notebook
import Testing
import Workspace

/// A session on the project's data folder (fetched by `make data` before the tests run).
func makeSession(seed: UInt64 = 0) -> Session {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("datasets/data").path
    return Session(seed: seed, display: DisplayStyle(style: .plain, width: 80), dataDirectory: DataDirectory(root: root))
}

func scratchFolder() -> String {
    let path = NSTemporaryDirectory() + "ganbook-ws-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

extension Session {
    /// Runs cells in order; every one must succeed. Returns the last one's plain output.
    func lines(_ cells: String...) -> [String] {
        var last: [String] = []
        for cell in cells {
            let r = run(cell)
            #expect(r.succeeded, "\(cell): \(r.lines)")
            last = r.lines
        }
        return last
    }
}

/// Saves `a`'s workspace and opens it in a fresh session.
func restart(_ a: Session, folder: String, cells: [KeptCell] = []) throws -> (Session, WorkspaceStore.Opened) {
    let store = WorkspaceStore(folder: folder + "/workspace")
    try store.save(a.interpreter, cells: cells)
    let b = makeSession(seed: 99)
    let opened = store.open(into: b.interpreter)
    return (b, opened)
}

@Suite("Workspace: what the learner had comes back exactly")
struct WorkspaceRoundTripTests {
    @Test("numbers, strings, lists, tensors with gradients, builtins and the random stream")
    func plainValues() throws {
        let a = makeSession(seed: 5)
        _ = a.lines(
            "zz = 42", "big = 1e300", "third = 1 / 3", "odd = [1, 'two', [3.5, None], True]", "nan = float('nan')",
            "w = tensor([1.0, -2.0, 3.0], requires_grad=True)", "loss = (w * w).sum()", "loss.backward()", "f = relu",
            "noise = randn(3)")
        let (b, opened) = try restart(a, folder: scratchFolder())
        #expect(opened.restored)
        for cell in ["zz", "big", "third", "odd", "nan", "w", "w.grad", "w.requires_grad", "f(tensor([-1.0, 2.0]))", "randn(4)"] {
            #expect(b.lines(cell) == a.lines(cell), "\(cell)")
        }
        #expect(b.lines("loss") == ["tensor(14.)"])
        #expect(opened.notices.contains { $0.contains("loss came back as plain values") })
        #expect(!b.run("loss.backward()").succeeded, "a loss without its graph must not pretend to backpropagate")
    }

    @Test("a network, a layer of it and its optimizer stay one network, and train on identically")
    func sharedNetwork() throws {
        let a = makeSession(seed: 1)
        _ = a.lines(
            "net = Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Dropout(0.5), Linear(8, 2))", "first = net[0]",
            "opt = Adam(net.parameters(), lr=0.01)", "x = randn(6, 4)", "loss = (net(x) ** 2).mean()", "loss.backward()", "opt.step()",
            "sgd = SGD([first.weight], lr=0.1, momentum=0.9)")
        let (b, _) = try restart(a, folder: scratchFolder())
        let next = [
            "opt.zero_grad()", "loss = (net(x) ** 2).mean()", "loss.backward()", "opt.step()", "sgd.step()", "net(x)",
            "(first.weight - net[0].weight).abs().sum().item()", "net[1].running_mean",
        ]
        for cell in next { #expect(b.lines(cell) == a.lines(cell), "\(cell)") }
        #expect(b.lines("(first.weight - net[0].weight).abs().sum().item()") == ["0"])
    }

    @Test("a GAN comes back with its steps, history and samples, and takes the same next step, bit for bit")
    func ganNextStep() throws {
        let a = makeSession(seed: 2)
        _ = a.lines("gan = GAN(arch='mlp', batch=16, seed=4)", "gan.train(steps=6)", "D = gan.D", "h = gan.history")
        let (b, opened) = try restart(a, folder: scratchFolder())
        #expect(opened.notices.isEmpty, "\(opened.notices)")
        for cell in ["gan.steps", "gan.history.loss_D", "gan.history.D_fake", "gan.sample(4, seed=1)", "h.loss_G"] {
            #expect(b.lines(cell) == a.lines(cell), "\(cell)")
        }
        // The step's one-line report holds its time in ms: compare what it computed instead.
        for s in [a, b] { _ = s.lines("gan.step()") }
        for cell in ["gan.history.loss_D[-1]", "gan.history.loss_G[-1]", "gan.D.parameters()[0].sum().item()", "gan.G.parameters()[-1]", "D.parameters()[0].sum().item()"] {
            #expect(b.lines(cell) == a.lines(cell), "\(cell)")
        }
        #expect(b.lines("D.parameters()[0].sum().item() - gan.D.parameters()[0].sum().item()") == ["0"], "D is still gan's D")
    }

    @Test("a coin game plays its next rounds exactly as it would have")
    func coinGame() throws {
        let a = makeSession(seed: 3)
        _ = a.lines("game = coins_game()", "game.rounds(20)", "games = coins_games(2)", "games.rounds(5)")
        let (b, _) = try restart(a, folder: scratchFolder())
        for cell in ["game.rounds(7)", "game.history.loss_D", "games.rounds(3)", "games.spread"] {
            #expect(b.lines(cell) == a.lines(cell), "\(cell)")
        }
    }
}

@Suite("Workspace: a kill or a damaged file never costs the previous workspace")
struct WorkspaceSafetyTests {
    @Test("a save killed before its manifest leaves the previous workspace")
    func killedSave() throws {
        let folder = scratchFolder() + "/workspace"
        let store = WorkspaceStore(folder: folder)
        let a = makeSession()
        _ = a.lines("zz = 42")
        try store.save(a.interpreter, cells: [])
        // What a kill between the two writes leaves: a newer tensors file, the old manifest.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/tensors-99999999999999999-1.safetensors"))
        let b = makeSession()
        let opened = store.open(into: b.interpreter)
        #expect(opened.restored && b.lines("zz") == ["42"])
        #expect(!FileManager.default.fileExists(atPath: folder + "/tensors-99999999999999999-1.safetensors"))
    }

    @Test("a damaged manifest or tensors file is moved aside with a notice, and the session starts empty")
    func damaged() throws {
        for damage in ["manifest", "tensors"] {
            let base = scratchFolder()
            let store = WorkspaceStore(folder: base + "/workspace")
            let a = makeSession()
            _ = a.lines("w = randn(3, 3)", "zz = 42")
            try store.save(a.interpreter, cells: [])
            let files = try FileManager.default.contentsOfDirectory(atPath: base + "/workspace")
            let target = damage == "manifest" ? "manifest.json" : files.first { $0.hasPrefix("tensors-") }!
            let path = base + "/workspace/" + target
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
            let b = makeSession()
            let opened = store.open(into: b.interpreter)
            #expect(!opened.restored)
            #expect(opened.notices.count == 1 && opened.notices[0].contains("moved it to"), "\(opened.notices)")
            #expect(b.interpreter.variables.isEmpty)
            let aside = try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.hasPrefix("workspace.bad-") }
            #expect(aside.count == 1, "the damaged workspace is kept, not discarded")
        }
    }

    @Test("what cannot be kept is named; the rest is kept")
    func unsaveable() throws {
        let a = makeSession()
        _ = a.lines("gan_step = coins_game().rounds", "zz = 42")
        let store = WorkspaceStore(folder: scratchFolder() + "/workspace")
        let saved = try store.save(a.interpreter, cells: [])
        #expect(saved.unsaved.count == 1 && saved.unsaved[0].hasPrefix("gan_step (a bound method"))
        let b = makeSession()
        let opened = store.open(into: b.interpreter)
        #expect(b.lines("zz") == ["42"])
        #expect(opened.notices.contains { $0.contains("gan_step") })
    }

    @Test("the learner's cells are kept with the workspace")
    func keptCells() throws {
        let a = makeSession()
        _ = a.lines("zz = 42")
        let cells = [KeptCell(cell: "zz = 42", output: []), KeptCell(cell: "zz + 1", output: ["43"])]
        let (_, opened) = try restart(a, folder: scratchFolder(), cells: cells)
        #expect(opened.cells == cells)
    }
}
