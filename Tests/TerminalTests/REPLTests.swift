import Datasets
import Foundation
import Testing
import Workspace

@testable import Lessons
@testable import Notebook
@testable import Terminal

/// A lesson folder with one small lesson, a session, and a REPL whose output is collected.
final class Harness {
    let folder: String
    var output: [String] = []
    let repl: REPL
    let store: ProgressStore

    /// Where the workspace is kept, when the harness keeps one (`keepsWorkspace`).
    let workspace: WorkspaceStore?

    init(lesson: String = Harness.sampleLesson, keepsWorkspace: Bool = false, secondLesson: String? = nil) {
        folder = NSTemporaryDirectory() + "ganbook-repl-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: folder + "/lessons", withIntermediateDirectories: true)
        try! lesson.write(toFile: folder + "/lessons/01-sample.md", atomically: true, encoding: .utf8)
        if let secondLesson { try! secondLesson.write(toFile: folder + "/lessons/02-second.md", atomically: true, encoding: .utf8) }
        store = ProgressStore(path: folder + "/state/progress.json")
        workspace = keepsWorkspace ? WorkspaceStore(folder: folder + "/state/workspace") : nil
        repl = REPL(session: Harness.session(in: folder), course: Course(lessonsFolder: folder + "/lessons"), data: DataDirectory(root: folder + "/none"), write: { _ in })
    }

    /// A fresh session whose relative file names mean `folder` (never the checkout).
    static func session(in folder: String) -> Session {
        let session = Session(seed: 0, dataDirectory: DataDirectory(root: folder + "/none"))
        session.interpreter.settings.folder = folder
        return session
    }

    /// Runs the script; returns everything written and the reader (for its prompts and prefills).
    /// `restart`: a new process, as it were — a fresh session, with only what is on disk carried over.
    /// `requestedSeed`: as `--seed N` on the command line.
    func run(_ script: [String], restart: Bool = false, requestedSeed: UInt64? = nil) -> (lines: [String], reader: ScriptedLineReader) {
        var reader = ScriptedLineReader(script)
        var written: [String] = []
        let session = restart ? Harness.session(in: folder) : self.repl.session
        let repl = REPL(session: session, course: self.repl.course, data: self.repl.data, progress: store, workspace: workspace, write: { written.append($0) })
        repl.requestedSeed = requestedSeed
        repl.run(reader: &reader)
        return (written, reader)
    }

    static let sampleLesson = """
        # Sample

        An introduction.

        ## Make a tensor

        Make x, a tensor of shape [2, 2].

        ```cell
        x = ones(2, 2)
        x.sum()
        ```

        ```check
        x.shape == [2, 2]
        ```

        > hint: ones(2, 2) makes one.
        > hint: then run x.sum().

        ## Predict a sum

        ```predict
        What is (x * 3).sum()?
        answer: (x * 3).sum().item()
        ```

        ```cell
        y = (x * 3).sum()
        ```

        ## Done

        x is {x.shape} and its sum is {x.sum().item():.1f}.

        ```check
        y.item() == 12
        ```
        """
}

@Suite("The REPL and the lesson tutor, scripted")
struct REPLTests {
    @Test("cells pre-typed in order; Enter runs them; the check passes and the next step appears")
    func preTypedCells() {
        let h = Harness()
        let (lines, reader) = h.run(["", "", "4", ""])
        #expect(reader.prefills.prefix(3) == ["x = ones(2, 2)", "x.sum()", ""])
        #expect(reader.prompts.prefix(4) == ["[1.1] ganbook> ", "[1.1] ganbook> ", "your guess> ", "[1.2] ganbook> "])
        #expect(lines.contains("── Step 1/3: Make a tensor ──"))
        #expect(lines.contains("tensor(4.)"))
        #expect(lines.contains("✓ step 1 done"))
        #expect(lines.contains("predict: What is (x * 3).sum()?"))
        #expect(lines.contains("noted: 4 — now run the cells and see"))
        #expect(lines.contains("you guessed 4; the answer is 12"))
        #expect(lines.contains("x is [2, 2] and its sum is 4.0."))
        #expect(h.store.load() == Progress(lesson: 1, step: 2, completed: [1: [0, 1]]))
    }

    @Test("a failing check says so; hints come one at a time; :check and :next move on")
    func checksAndHints() {
        let h = Harness()
        // An edit of the pre-typed cell (the same name assigned) counts as running it; then x.sum().
        let (early, _) = h.run(["x = ones(3)", ""])
        #expect(early.contains("not done yet: the check `x.shape == [2, 2]` is false — :hint for a hint, or edit and run a cell again"))
        let (lines, _) = h.run([":reset lesson", "x = ones(3)", ":hint", ":hint", ":hint", ":check", "x = ones(2, 2)", ":check", ":back", ":step", ":next", ":next", ":next"])
        #expect(lines.contains("hint 1/2: ones(2, 2) makes one."))
        #expect(lines.filter { $0 == "hint 2/2: then run x.sum()." }.count == 2)
        #expect(lines.contains("✗ not yet: x.shape == [2, 2]"))
        #expect(lines.contains("✓ step 1 done"))
        #expect(lines.contains { $0.hasPrefix("🎉 lesson 1 finished") })
    }

    @Test("the learner's own cells and failed cells keep the pending lesson cell; :answer answers a prediction")
    func keepsItsPlace() {
        let h = Harness()
        let (lines, reader) = h.run(["w = 5", "", "oops(", "", ":answer 12", ""])
        // `w = 5` is the learner's own: x = ones(2, 2) is offered again; the failed `oops(` keeps x.sum().
        #expect(reader.prefills.prefix(4) == ["x = ones(2, 2)", "x = ones(2, 2)", "x.sum()", "x.sum()"])
        #expect(lines.contains("✓ step 1 done"))
        #expect(lines.contains("you guessed 12; the answer is 12"))
        #expect(LessonTutor.sameCell("gan.train(steps=500)", "gan.train(steps=quick(40, 3000))"))
        #expect(!LessonTutor.sameCell("show(x)", "gan.train(steps=5)"))
    }

    @Test("progress survives a restart: the tutor opens at the saved step")
    func resume() {
        let h = Harness()
        _ = h.run(["", "", ""])
        let (lines, reader) = h.run([])
        #expect(lines.contains("── Step 2/3: Predict a sum ──"))
        #expect(reader.prompts.first == "your guess> ")
    }

    static let savingLesson = """
        # Saving

        ## Make a network

        ```cell
        net = Linear(2, 1)
        opt = SGD(net.parameters(), lr=0.1)
        ```

        ```check
        net.weight.shape == [1, 2]
        ```

        ## Save it

        ```cell
        save_model(net, "mine.safetensors")
        ```

        ```check
        net.weight.shape == [1, 2]
        ```

        ## Take a step

        ```cell
        loss = net(ones(3, 2)).sum()
        loss.backward()
        opt.step()
        ```

        ```check
        loss.item() != 0
        ```
        """

    @Test("a restart brings the workspace back as it was: nothing is re-run, and a file the learner saved is never written")
    func workspaceSurvivesRestart() throws {
        let h = Harness(lesson: Self.savingLesson, keepsWorkspace: true)
        let saved = h.folder + "/mine.safetensors"
        let (first, _) = h.run(["", "", "", "zz = 42", "print(net.weight)"])
        #expect(first.contains { $0.hasPrefix("saved") && $0.contains("mine.safetensors") }, "\(first)")
        let weight = try #require(first.last { $0.contains("tensor(") })
        let bytes = try Data(contentsOf: URL(fileURLWithPath: saved))
        let modified = try FileManager.default.attributesOfItem(atPath: saved)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.05)

        // The tutor reopens at step 3 with net and opt as they were: its cell runs on them, and the
        // save of step 2 is not run again.
        let (second, reader) = h.run(["zz", "print(net.weight)", ":cells", "", "", ""], restart: true)
        #expect(second.contains { $0.hasPrefix("your workspace is back") && $0.contains("nothing was re-run") }, "\(second)")
        #expect(second.contains("42"))
        #expect(second.contains(weight))
        #expect(second.contains { $0.contains("zz = 42") }, "the learner's own cells are kept")
        #expect(reader.prefills.contains { $0.hasPrefix("loss = net(ones(3, 2))") })
        #expect(second.contains("✓ step 3 done"), "\(second)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: saved)) == bytes)
        #expect(try FileManager.default.attributesOfItem(atPath: saved)[.modificationDate] as? Date == modified)

        // :reset lesson forgets the variables and the saved workspace, never the learner's file.
        let (third, _) = h.run([":reset lesson", "yes", "zz"], restart: true)
        #expect(third.contains { $0.contains("'zz' is not defined") }, "\(third)")
        let (fourth, _) = h.run(["zz"], restart: true)
        #expect(!fourth.contains { $0.hasPrefix("your workspace is back") }, "\(fourth)")
        #expect(fourth.contains { $0.contains("'zz' is not defined") })
        #expect(try Data(contentsOf: URL(fileURLWithPath: saved)) == bytes)
    }

    @Test("a --seed that a restored workspace overrides is said, with how to start over with it")
    func seedOfRestoredWorkspace() {
        let h = Harness(keepsWorkspace: true)
        _ = h.run(["zz = randn(2)"])
        let (asked, _) = h.run(["zz"], restart: true, requestedSeed: 3)
        #expect(asked.contains { $0.hasPrefix("--seed 3 not applied: the workspace carries on with its seed 0") && $0.contains("--reset --seed 3") }, "\(asked)")
        let (same, _) = h.run(["zz"], restart: true, requestedSeed: 0)
        #expect(!same.contains { $0.contains("not applied") }, "\(same)")
        let (none, _) = h.run(["zz"], restart: true)
        #expect(!none.contains { $0.contains("not applied") }, "\(none)")
    }

    @Test("a restart in the middle of a step pre-types its next cell, not its first again")
    func resumeMidStep() {
        let h = Harness(lesson: Self.savingLesson, keepsWorkspace: true)
        _ = h.run([""])  // step 1's first cell: net = Linear(2, 1)
        let (lines, reader) = h.run([""], restart: true)
        #expect(reader.prefills.first == "opt = SGD(net.parameters(), lr=0.1)", "\(reader.prefills)")
        #expect(lines.contains("(you ran its first cell before you left; the next one is pre-typed)"), "\(lines)")
        #expect(lines.contains("✓ step 1 done"), "\(lines)")
        // Without the workspace the step starts over at its first cell.
        let bare = Harness(lesson: Self.savingLesson)
        _ = bare.run([""])
        let (_, fresh) = bare.run([], restart: true)
        #expect(fresh.prefills.first == "net = Linear(2, 1)", "\(fresh.prefills)")
    }

    @Test("another lesson opens at its first cell, also after a restart")
    func otherLessonStartsAtItsFirstCell() {
        let h = Harness(lesson: Self.savingLesson, keepsWorkspace: true, secondLesson: Harness.sampleLesson)
        let (_, reader) = h.run(["", ":lesson 2"])  // lesson 1: one cell of step 1 run, then lesson 2
        #expect(reader.prefills.last == "x = ones(2, 2)", "\(reader.prefills)")
        let (lines, again) = h.run([], restart: true)
        #expect(again.prefills.first == "x = ones(2, 2)", "\(again.prefills)")
        #expect(!lines.contains { $0.hasPrefix("(you ran") })
    }

    @Test("at a terminal, :reset asks first; anything but yes keeps the workspace")
    func resetAsks() {
        let h = Harness(keepsWorkspace: true)
        let (lines, reader) = h.run(["zz = 1", ":reset lesson", "no", "zz", ":reset all", "yes", "zz"])
        #expect(reader.prompts.contains("type yes to confirm> "))
        #expect(lines.contains("1"), "after 'no', zz is still there")
        #expect(lines.contains { $0.contains("'zz' is not defined") }, "after 'yes', it is gone")
    }

    @Test("commands: unknown ones get a suggestion; :seed, :vars, :time, :export")
    func commands() throws {
        let h = Harness()
        let (lines, _) = h.run([":sedd", ":seed 5", ":seed", "z = 1", ":vars", ":time 1 + 1", ":export \(h.folder)/out.md", ":quit", "never"])
        #expect(lines.contains("unknown command :sedd — did you mean :seed?"))
        #expect(lines.contains("random generator restarted from seed 5"))
        #expect(lines.contains("seed: 5"))
        #expect(lines.contains { $0.hasPrefix("time: ") })
        #expect(lines.contains("wrote \(h.folder)/out.md (2 cells)"))
        let md = try String(contentsOfFile: h.folder + "/out.md", encoding: .utf8)
        #expect(md.contains("```python\nz = 1\n```"))
        #expect(lines.last == "bye")
    }

    @Test("completion offers :commands, names and attributes")
    func completion() {
        let h = Harness()
        #expect(h.repl.completions(for: ":he") == [":help"])
        #expect(h.repl.completions(for: ":ne") == [":next"])
        _ = h.repl.runCell("weights = zeros(2)")
        #expect(h.repl.completions(for: "wei") == ["weights"])
        #expect(h.repl.completions(for: "weights.num") == ["weights.numel"])
    }

    @Test("lesson files: a malformed file names the line; steps need a check or a prediction")
    func lessonFormat() {
        #expect(throws: LessonError("l:3: unknown block ```python (cell, expect, check, check learning, predict)")) {
            try Lesson.parse("# T\n## S\n```python\nx\n```", file: "l")
        }
        #expect(throws: LessonError("l: step 'S' has neither a check nor a predict question")) {
            try Lesson.parse("# T\n## S\n```cell\nx = 1\n```", file: "l")
        }
        #expect(LessonRun.matches(["a", "b", "c"], ["a", "...", "c"]))
        #expect(!LessonRun.matches(["a", "b"], ["a", "c"]))
    }
}

@Suite("ganbook as a process")
struct ProcessTests {
    /// The built executable, next to this test bundle.
    static var executable: String {
        let here = Bundle.main.bundleURL
        let candidates = [here.appendingPathComponent("ganbook"), here.deletingLastPathComponent().appendingPathComponent("ganbook")]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
    }

    /// Runs `executable` (ganbook by default) with `input` on stdin; `environment` adds to this process's
    /// variables, `unset` removes some. Returns stdout and stderr together, and the exit status.
    func run(
        _ arguments: [String], input: String = "", environment: [String: String] = [:], unset: [String] = [],
        executable: String = ProcessTests.executable
    ) throws -> (String, Int32) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        for k in unset { env[k] = nil }
        p.environment = env
        let out = Pipe(), inPipe = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = inPipe
        try p.run()
        inPipe.fileHandleForWriting.write(Data(input.utf8))
        try inPipe.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), p.terminationStatus)
    }

    @Test("on a pipe, pictures are text byte for byte, whatever the terminal hints or --images say")
    func picturesOnAPipe() throws {
        try #require(FileManager.default.fileExists(atPath: ProcessTests.executable), "no executable at \(ProcessTests.executable)")
        let state = NSTemporaryDirectory() + "ganbook-pipe-images-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: state) }
        let cells = "show(zeros(6, 6) + 1)\nshow(stack([zeros(4, 4), ones(4, 4)]))\nheatmap(randn(3, 3))\n"
        func output(_ extra: [String], _ environment: [String: String]) throws -> String {
            var env = environment
            env["XDG_STATE_HOME"] = state + "/" + UUID().uuidString
            let (text, status) = try run(extra, input: cells, environment: env)
            #expect(status == 0, "\(text)")
            return text
        }
        let plain = try output(["--images", "text"], ["TERM": "dumb"])
        #expect(!plain.contains("\u{1B}"))
        let kitty = ["TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1", "TERM_PROGRAM": "iTerm.app"]
        #expect(try output([], kitty) == plain)
        for mode in ["kitty", "iterm", "sixel", "auto"] { #expect(try output(["--images", mode], kitty) == plain) }
        #expect(try output(["--images", "kitty", "--ascii"], kitty) != plain)  // ASCII glyphs, but still no escapes
        #expect(try !output(["--images", "kitty", "--ascii"], kitty).contains("\u{1B}"))
    }

    @Test("installed as make install lays it out, ganbook started by name from another folder opens lesson 1")
    func installedLayout() throws {
        try #require(FileManager.default.fileExists(atPath: ProcessTests.executable), "no executable at \(ProcessTests.executable)")
        let fm = FileManager.default
        let prefix = NSTemporaryDirectory() + "ganbook-prefix-" + UUID().uuidString
        let share = prefix + "/share/ganbook"
        defer { try? fm.removeItem(atPath: prefix) }
        // The Makefile's install target: PREFIX/bin/ganbook, PREFIX/share/ganbook/{lessons, datasets}.
        for folder in ["/bin", "/share/ganbook/lessons", "/share/ganbook/datasets/data", "/elsewhere"] {
            try fm.createDirectory(atPath: prefix + folder, withIntermediateDirectories: true)
        }
        try fm.copyItem(atPath: ProcessTests.executable, toPath: prefix + "/bin/ganbook")
        let lessons = LessonFileTests.root.appendingPathComponent("lessons").path
        for name in try fm.contentsOfDirectory(atPath: lessons) where name.hasSuffix(".md") {
            try fm.copyItem(atPath: lessons + "/" + name, toPath: share + "/lessons/" + name)
        }
        try fm.copyItem(atPath: LessonFileTests.root.appendingPathComponent("datasets/fetch.py").path, toPath: share + "/datasets/fetch.py")
        let path = prefix + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let (text, status) = try run(
            ["-c", "cd '\(prefix)/elsewhere' && ganbook --no-color"], input: ":lessons\n",
            environment: ["PATH": path, "XDG_STATE_HOME": prefix + "/state"], unset: ["GANBOOK_DATA_DIR"], executable: "/bin/sh")
        #expect(status == 0, "\(text.suffix(600))")
        #expect(text.contains("Lesson 1: Tensors"), "\(text.prefix(800))")
        #expect(text.contains("6. What else a GAN does"))
        // Its data folder is the installed one (empty here, so it says how to fetch), not the checkout's.
        #expect(text.contains("MNIST: not fetched yet"), "\(text.prefix(800))")
    }

    @Test("on a pipe: no prompt echo, cells run, Ctrl-D ends cleanly, no history written")
    func pipe() throws {
        #expect(FileManager.default.fileExists(atPath: ProcessTests.executable), "no executable at \(ProcessTests.executable)")
        guard FileManager.default.fileExists(atPath: ProcessTests.executable) else { return }
        let state = NSTemporaryDirectory() + "ganbook-state-" + UUID().uuidString
        let (out, status) = try run(["--no-color"], input: "x = 2 + 3\nx * 2\n", environment: ["XDG_STATE_HOME": state])
        #expect(status == 0)
        #expect(out.contains("\n10\n"))
        #expect(!out.contains("ganbook> "))
        #expect(out.hasSuffix("bye\n"))
        #expect(!FileManager.default.fileExists(atPath: state + "/ganbook/history"))
    }

    @Test("on a pipe, lines are cells and commands (a prediction waits for :answer), and an error fails the script")
    func pipeLinesAreCells() throws {
        guard FileManager.default.fileExists(atPath: ProcessTests.executable) else { return }
        let state = NSTemporaryDirectory() + "ganbook-state-" + UUID().uuidString
        // Lesson 1's second step opens with a prediction: `x = 41` must still run as a cell.
        let (out, status) = try run(["--no-color", "--lesson", "1"], input: ":next\nx = 41\nx + 1\n", environment: ["XDG_STATE_HOME": state])
        #expect(out.contains("\n42\n"), "\(out.suffix(800))")
        #expect(!out.contains("noted: x = 41"))
        #expect(status == 0)
        let (failed, failedStatus) = try run(["--no-color"], input: "x = 1\nnope(2)\nx\n", environment: ["XDG_STATE_HOME": state])
        #expect(failed.contains("name error: 'nope' is not defined"))
        #expect(failedStatus == 1)
    }

    @Test("a closed window or SIGTERM during a long cell stops it cleanly, saves the workspace and leaves")
    func hangup() throws {
        try #require(FileManager.default.fileExists(atPath: ProcessTests.executable), "no executable at \(ProcessTests.executable)")
        let state = NSTemporaryDirectory() + "ganbook-hup-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        for signal in [SIGHUP, SIGTERM] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ProcessTests.executable)
            p.arguments = ["--no-color"]
            p.environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": state]) { $1 }
            let out = Pipe(), inPipe = Pipe()
            p.standardOutput = out
            p.standardInput = inPipe
            try p.run()
            // stdin stays open: only the signal can end this session. The long cell writes a file as it
            // starts (output on a pipe is buffered): the signal comes once the loop runs, however slowly
            // this machine starts the notebook.
            let started = state + "/started-\(signal).safetensors"
            inPipe.fileHandleForWriting.write(
                Data("zz = \(signal)\nn = 0\nsave(ones(1), \"\(started)\"); for i in range(4000000): w = randn(20, 20) @ randn(20, 20); n += 1\n".utf8))
            let deadline = Date().addingTimeInterval(120)
            while !FileManager.default.fileExists(atPath: started) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            // The file appears at its rename; the save then syncs the folder (up to ~0.5 s on a busy disk).
            Thread.sleep(forTimeInterval: 2)
            kill(p.processIdentifier, signal)
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            try? inPipe.fileHandleForWriting.close()
            #expect(text.hasSuffix("bye\n"), "\(text.suffix(300))")
            let (back, _) = try run(["--no-color"], input: "print(zz, n > 0)\n", environment: ["XDG_STATE_HOME": state])
            #expect(back.contains("\(signal) True"), "\(back.suffix(400))")
        }
    }

    @Test("ganbook run: SIGTERM during a long cell ends the whole run (status 143), not only the cell")
    func runEndsAtSIGTERM() throws {
        try #require(FileManager.default.fileExists(atPath: ProcessTests.executable), "no executable at \(ProcessTests.executable)")
        let folder = NSTemporaryDirectory() + "ganbook-term-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = folder + "/cells.txt"
        try "n = 0\nfor i in range(4000000): w = randn(20, 20) @ randn(20, 20); n += 1\nprint(\"after\", n)\n".write(toFile: script, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ProcessTests.executable)
        p.arguments = ["--no-color", "run", script]
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        Thread.sleep(forTimeInterval: 1.5)
        kill(p.processIdentifier, SIGTERM)
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 143, "\(text.suffix(300))")
        #expect(text.contains("stopped by a signal to end at line 2") && !text.contains(">>> print"), "\(text.suffix(300))")
    }

    /// Rounds of `kill -9`; `GANBOOK_KILL_ROUNDS=50` runs the fifty by hand.
    static var killRounds: Int { ProcessInfo.processInfo.environment["GANBOOK_KILL_ROUNDS"].flatMap { Int($0) } ?? 8 }

    @Test("kill -9 at any moment, during training or a save: the restart brings back a complete workspace")
    func killedAnywhere() throws {
        try #require(FileManager.default.fileExists(atPath: ProcessTests.executable), "no executable at \(ProcessTests.executable)")
        let state = NSTemporaryDirectory() + "ganbook-kill-" + UUID().uuidString
        let env = ["XDG_STATE_HOME": state]
        // k counts the GAN's steps, so a workspace mixing two saves would show k != gan.steps.
        let (made, _) = try run(["--no-color"], input: "gan = GAN(arch=\"mlp\", batch=16)\nk = 0\n", environment: env)
        #expect(!made.contains("error"), "\(made)")
        var generator = SystemRandomNumberGenerator()
        var lastK = 0
        for round in 0..<ProcessTests.killRounds {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: ProcessTests.executable)
            p.arguments = ["--no-color"]
            p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            let inPipe = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardInput = inPipe
            try p.run()
            // Cheap cells, each followed by a save (a few ms), and now and then a longer training cell.
            let cells = (0..<400).map { $0 % 50 == 49 ? "gan.train(steps=40); k = k + 40" : "gan.step(); k = k + 1" }
            inPipe.fileHandleForWriting.write(Data((cells.joined(separator: "\n") + "\n").utf8))
            Thread.sleep(forTimeInterval: Double.random(in: 0.3...1.5, using: &generator))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            try? inPipe.fileHandleForWriting.close()

            let (back, _) = try run(["--no-color"], input: "print(\"check\", k, gan.steps, k == gan.steps)\n", environment: env)
            let check = back.split(separator: "\n").first { $0.hasPrefix("check ") }.map(String.init) ?? ""
            #expect(back.contains("your workspace is back"), "round \(round): \(back)")
            #expect(!back.contains("could not") && !back.contains("moved aside"), "round \(round): \(back)")
            #expect(check.hasSuffix(" True"), "round \(round): \(back)")
            let k = check.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
            #expect(k >= lastK, "round \(round): the workspace went back in time (\(k) < \(lastK))")
            lastK = k
        }
        #expect(lastK > 0, "no round saved anything")
        print("kill -9: \(ProcessTests.killRounds) rounds, every restart complete; the GAN reached \(lastK) steps")
    }

    @Test("Ctrl-C during a long cell stops it at a clean point; the session goes on with consistent state")
    func interrupt() throws {
        #expect(FileManager.default.fileExists(atPath: ProcessTests.executable), "no executable at \(ProcessTests.executable)")
        guard FileManager.default.fileExists(atPath: ProcessTests.executable) else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ProcessTests.executable)
        p.arguments = ["--no-color"]
        p.environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": NSTemporaryDirectory() + "ganbook-int-" + UUID().uuidString]) { $1 }
        let out = Pipe(), inPipe = Pipe()
        p.standardOutput = out
        p.standardInput = inPipe
        try p.run()
        // A long training-like loop: each iteration a full step (one statement at a time).
        inPipe.fileHandleForWriting.write(Data("n = 0\nfor i in range(400000): w = randn(20, 20) @ randn(20, 20); n += 1\n".utf8))
        Thread.sleep(forTimeInterval: 1.5)
        kill(p.processIdentifier, SIGINT)
        Thread.sleep(forTimeInterval: 0.5)
        inPipe.fileHandleForWriting.write(Data("n == i + 1 or n == i\nprint('alive')\n".utf8))
        try inPipe.fileHandleForWriting.close()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text.contains("interrupted: stopped by Ctrl-C"))
        #expect(text.contains("True\nalive"))
        #expect(p.terminationStatus == 0)
    }
}
