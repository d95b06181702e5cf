import CellLanguage
import Datasets
import Foundation
import Lessons
import Notebook
import Synchronization
import TensorCore
import TextPlot
import Workspace

/// The read–eval–print loop. It owns the terminal: everything below it returns values or lines.
public final class REPL {
    public let session: Session
    public let course: Course
    public let tutor: LessonTutor
    public let data: DataDirectory
    private let output: (String) -> Void
    /// Cells that failed and commands that were refused: on a pipe, `ganbook` exits non-zero if any did.
    public private(set) var failures = 0
    /// The transcript of this session (cells and their plain output), for `:export`.
    /// Cells from before a restart come back from the workspace, so it holds what the learner ran.
    public private(set) var transcript: [KeptCell] = []
    /// The workspace on disk (nil: variables live only as long as the process, as in tests).
    public let workspace: WorkspaceKeeper?
    /// A `:reset` waiting for the learner's "yes" (at a terminal).
    var pendingReset: (() -> [String])?
    /// Whether a person types the lines (a terminal): only then does `:reset` ask first.
    var interactive = false
    /// The terminal's width now, asked before each line (nil on a pipe): a window made narrower or wider
    /// gets prose, grids and panels drawn to its new width.
    public var measureWidth: (() -> Int)?

    public init(
        session: Session, course: Course, data: DataDirectory, progress: ProgressStore? = nil, workspace: WorkspaceStore? = nil,
        write: @escaping (String) -> Void
    ) {
        self.session = session
        self.course = course
        self.tutor = LessonTutor(course: course, session: session, store: progress)
        self.data = data
        self.workspace = workspace.map { WorkspaceKeeper(store: $0, session: session) }
        self.output = write
    }

    /// `--ascii`: the notebook's own text folded to ASCII too, not only its pictures.
    public var asciiOnly = false

    /// The seed given on the command line (`--seed`), nil when none was: a workspace that comes back
    /// keeps its own seed and random stream, and says so when that is not the one asked for.
    public var requestedSeed: UInt64?

    /// Pictures as images (kitty, iTerm2, sixel), or nil for text: chosen at start from `--images`.
    public var pictures: InlinePictures?
    /// What `:help` and `:images` say about that choice ("kitty (auto: KITTY_WINDOW_ID)").
    public var picturesReason = "text"
    /// Chooses again for `:images MODE` (the start-up detection with another mode); nil in tests and on pipes
    /// keeps `:images` to reporting.
    public var choosePictures: ((ImageMode) -> (InlinePictures?, String))?

    /// One line out: folded to ASCII under `--ascii`, then, at a terminal, wrapped at spaces when it is wider
    /// than the window (`LineFit`: messages and printed text; pictures and indented lines stay).
    private func write(_ line: String) {
        let text = asciiOnly ? ASCIIText.fold(line) : line
        guard let width = measureWidth?() else { return output(text) }
        for part in LineFit.fit(text, width: width) { output(part) }
    }

    /// The prompt: the tutor's, or the question of a `:reset` waiting for its answer.
    var prompt: String { pendingReset == nil ? tutor.prompt : "type yes to confirm> " }

    public func banner() -> [String] {
        var lines = ["ganbook — see how neural networks learn to draw", "", "Lessons:"]
        lines += course.listing(progress: tutor.progress)
        lines.append("")
        lines.append("MNIST: " + (data.source(of: .mnist) ?? "not fetched yet — run `make data`"))
        lines.append("Type Python-like cells (try: x = randn(2, 3)), help() for builtins, :help for commands, Ctrl-D to leave.")
        return lines
    }

    /// Runs until end of input (Ctrl-D) or `:quit`. Opens `lesson` first (or the saved one).
    public func run(reader: inout some LineReader, lesson: Int? = nil) {
        tutor.takesGuessesFromLines = reader.isInteractive
        interactive = reader.isInteractive
        if let width = measureWidth?() { session.interpreter.display.width = max(width, 40) }
        for line in banner() { write(line) }
        for line in tutor.notices { write(line) }
        if let workspace {
            let (cells, lines) = workspace.restore()
            transcript = cells
            for line in lines { write(line) }
            if let asked = requestedSeed, !cells.isEmpty || !session.interpreter.variables.isEmpty,
                session.interpreter.seed != asked
            {
                write("--seed \(asked) not applied: the workspace carries on with its seed \(session.interpreter.seed) and its random stream (ganbook --reset --seed \(asked) starts over)")
            }
        }
        let start = lesson ?? tutor.progress.lesson
        if course.entry(start)?.file != nil {
            for line in tutor.open(start, step: lesson == nil ? nil : 0) { write(line) }
        }
        while true {
            // A Ctrl-C pressed while output was being written, after the cell had ended, is not meant
            // for the next cell; one pressed at the prompt is readline's (it clears the line).
            interruptRequested.store(false, ordering: .relaxed)
            guard let line = reader.readLine(prompt: prompt, prefill: pendingReset == nil ? tutor.prefill : "") else { break }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == ":quit" || trimmed == ":q" { break }
            if let width = measureWidth?() {
                session.interpreter.display.width = max(width, 40)
                if pictures != nil {
                    pictures?.windowRows = ImageSupport.windowRows()
                    pictures?.windowColumns = width
                }
            }
            for out in handle(trimmed) { write(out) }
            // The window closed or the process was told to end: the cell stopped cleanly; save and go.
            if hangupReceived.load(ordering: .relaxed) { break }
        }
        for line in workspace?.flush(cells: transcript) ?? [] { write(line) }
        write("bye")
    }

    /// The reply to one input line, as lines ready for the terminal.
    public func handle(_ line: String) -> [String] {
        if let reset = pendingReset {
            pendingReset = nil
            return line.lowercased() == "yes" ? reset() : ["not reset: nothing changed"]
        }
        if line.hasPrefix(":") { return command(line) }
        let (runIt, before) = tutor.take(line)
        guard runIt else { return before }
        // Enter at an empty prompt: goes on when the tutor waits (an experiment step, a finished lesson).
        guard !line.isEmpty else { return tutor.enterPressed() }
        let (out, succeeded) = runCellReporting(line)
        let place = (tutor.progress.lesson, tutor.progress.step, tutor.progress.cell)
        let after = tutor.afterCell(line, succeeded: succeeded)
        // The tutor's place on disk must never be ahead of the workspace (a restart would pre-type a cell
        // whose inputs were not saved): when a lesson cell moved it, the workspace is saved at once.
        let moved = place != (tutor.progress.lesson, tutor.progress.step, tutor.progress.cell)
        return before + out + (moved ? workspace?.flush(cells: transcript) ?? [] : []) + after
    }

    /// Runs a cell and renders its outputs (pictures in colour when the terminal has it).
    public func runCell(_ cell: String) -> [String] { runCellReporting(cell).lines }

    /// The same, and whether the cell ran without an error.
    func runCellReporting(_ cell: String) -> (lines: [String], succeeded: Bool) {
        let start = Date()
        let result = session.run(cell)
        // A cell stopped by Ctrl-C was stopped on purpose: not a failure of the script.
        if let error = result.error, error.kind != .interrupted { failures += 1 }
        transcript.append(KeptCell(cell: cell, output: result.lines, failed: result.error == nil ? nil : true))
        if transcript.count > 2 * WorkspaceStore.keptCells { transcript.removeFirst(transcript.count - WorkspaceStore.keptCells) }
        let notices = workspace?.cellRan(seconds: Date().timeIntervalSince(start), cells: transcript) ?? []
        let color = session.interpreter.display.style.color
        let lines = result.outputs.flatMap { output -> [String] in
            switch output {
            case .text(let lines): return lines
            case .picture(let canvas): return pictures?.lines(canvas, color: color) ?? canvas.lines(color)
            }
        }
        return (lines + notices, result.succeeded)
    }

    public static let commands: [(name: String, help: String)] = [
        (":help", "this list"),
        (":lessons", "the lessons, with your progress"),
        (":lesson N", "open lesson N (at your saved step)"),
        (":next", "the next step (the next lesson at the end of one; Enter does it too when offered)"),
        (":back", "the previous step"),
        (":step", "show the current step again"),
        (":hint", "a hint for this step (again for the next one)"),
        (":check", "is this step done?"),
        (":answer GUESS", "answer the predict question (on a pipe, the only way to)"),
        (":reset lesson", "start this lesson over with an empty workspace (files you saved stay)"),
        (":reset all", "forget all progress and the workspace (files you saved stay)"),
        (":vars", "the session's variables with types and shapes"),
        (":workspace", "where your variables are kept, how big, what it holds"),
        (":cells [n]", "the last n cells you ran (default 10), kept across restarts"),
        (":seed [n]", "show the random seed, or restart the generator from n"),
        (":time <cell>", "run a cell and say how long it took"),
        (":export FILE.md", "write this session as a Markdown notebook of cells and outputs (--force: replace any file)"),
        (":torch [cell]", "the PyTorch equivalent of the last cell (or of the cell given)"),
        (":export --torch FILE.py", "this session's cells as a runnable PyTorch script (--weights: with its GANs' weights and recorded steps, checked)"),
        (":images [MODE]", "how pictures are drawn: auto, kitty, iterm, sixel or text (half-blocks)"),
        (":quit", "leave (or Ctrl-D)"),
    ]

    func command(_ line: String) -> [String] {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ":help":
            return REPL.commands.map { "  " + $0.name.padding(toLength: 18, withPad: " ", startingAt: 0) + $0.help }
                + ["", "pictures: " + picturesReason]
        case ":images":
            return imagesCommand(argument)
        case ":lessons":
            return course.listing(progress: tutor.progress)
        case ":lesson":
            guard let n = Int(argument) else { return ["usage: :lesson 2"] }
            return tutor.open(n)
        case ":next": return tutor.next()
        case ":back": return tutor.back()
        case ":step": return tutor.showStep()
        case ":hint": return tutor.hint()
        case ":check": return tutor.check()
        case ":answer": return tutor.answer(argument)
        case ":reset":
            guard argument == "lesson" || argument == "all" else { return ["usage: :reset lesson, or :reset all"] }
            return reset(all: argument == "all")
        case ":workspace":
            return workspace?.describe() ?? ["this session keeps no workspace on disk"]
        case ":cells":
            guard let n = argument.isEmpty ? 10 : Int(argument), n > 0 else { return ["usage: :cells 10"] }
            let shown = transcript.suffix(n)
            guard !shown.isEmpty else { return ["no cells run yet"] }
            return shown.enumerated().flatMap { i, kept in
                kept.cell.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { j, line in
                    (j == 0 ? String(format: "%4d  ", transcript.count - shown.count + i + 1) : "      ") + line
                }
            }
        case ":vars":
            return session.interpreter.variablesTable()
        case ":seed":
            guard !argument.isEmpty else { return ["seed: \(session.interpreter.seed)"] }
            guard let n = UInt64(argument) else { return ["usage: :seed 42 (a whole number ≥ 0)"] }
            session.interpreter.reseed(n)
            return ["random generator restarted from seed \(n)"]
        case ":time":
            guard !argument.isEmpty else { return ["usage: :time <cell>, e.g. :time randn(1000, 1000) @ randn(1000, 1000)"] }
            let start = Date()
            let out = runCell(argument)
            return out + [String(format: "time: %.3f s", Date().timeIntervalSince(start))]
        case ":torch":
            return torchCell(argument)
        case ":export" where argument.hasPrefix("--torch"):
            return exportTorch(String(argument.dropFirst("--torch".count)))
        case ":export":
            var file = argument, force = false
            if file.hasSuffix(" --force") { file = String(file.dropLast(" --force".count)).trimmingCharacters(in: .whitespaces); force = true }
            guard file.hasSuffix(".md") else { return ["usage: :export notebook.md (add --force to replace a file ganbook did not write)"] }
            return [exportMarkdown(to: file, force: force)]
        default:
            let names = REPL.commands.map { String($0.name.split(separator: " ")[0]) }
            let hint = nearestCommand(parts[0], names).map { " — did you mean \($0)?" } ?? " — try :help"
            failures += 1
            return ["unknown command \(parts[0])" + hint]
        }
    }

    /// `:reset lesson` or `:reset all`: asks first at a terminal (it clears the variables); never deletes a learner's file.
    func reset(all: Bool) -> [String] {
        let count = session.interpreter.variables.keys.filter { $0 != "_" }.count
        let run = { [self] () -> [String] in
            workspace?.clear()
            if workspace == nil { session.interpreter.variables = [:] }
            transcript = []
            return all ? tutor.resetAll() : tutor.resetLesson()
        }
        guard interactive, count > 0 else { return run() }
        pendingReset = run
        let what = all ? "forget your progress in every lesson" : "start lesson \(tutor.progress.lesson) over"
        return ["this will \(what) and clear your \(count) variable\(count == 1 ? "" : "s") and kept cells; files you saved stay. Type yes to go on, anything else to keep everything."]
    }

    func nearestCommand(_ name: String, _ names: [String]) -> String? {
        names.min { editDistance(name, $0) < editDistance(name, $1) }.flatMap { editDistance(name, $0) <= 2 ? $0 : nil }
    }

    /// The first line of every notebook `:export` writes (how it recognises its own files).
    static let exportHeader = "# ganbook session\n\n"

    /// Writes the transcript as Markdown (atomically) and says where.
    func exportMarkdown(to path: String, force: Bool = false) -> String {
        var text = REPL.exportHeader
        for (cell, output) in transcript.map({ ($0.cell, $0.output) }) {
            text += "```python\n\(cell)\n```\n"
            if !output.isEmpty { text += "```\n" + output.joined(separator: "\n") + "\n```\n" }
            text += "\n"
        }
        // Only a notebook this command wrote may be replaced without --force: a typo must not
        // overwrite someone's notes.
        let isOurs: (String) -> Bool = { REPL.exportHeader.utf8.elementsEqual((try? RegularFile.head($0, bytes: REPL.exportHeader.utf8.count)) ?? []) }
        do throws(FileProblem) {
            try AtomicFile.write(Array(text.utf8), to: path, kind: "notebook written by :export", mayReplace: force ? nil : isOurs)
            return "wrote \(path) (\(transcript.count) cells)"
        } catch {
            return error.message.replacingOccurrences(of: "add overwrite=True", with: "add --force (:export \(path) --force)")
        }
    }

    /// Tab-completion candidates: `:commands` at the start, else the session's names and attributes.
    public func completions(for text: String) -> [String] {
        if text.hasPrefix(":") && !text.contains(" ") {
            return REPL.commands.map { String($0.name.split(separator: " ")[0]) }.filter { $0.hasPrefix(text) }
        }
        return session.interpreter.completions(for: text)
    }
}

extension REPL {
    /// `:images` says how pictures are drawn; `:images MODE` chooses again.
    func imagesCommand(_ argument: String) -> [String] {
        guard !argument.isEmpty else { return ["pictures: " + picturesReason, "choose with :images auto|kitty|iterm|sixel|text"] }
        guard let mode = ImageMode(rawValue: argument.lowercased()) else {
            return ["unknown picture mode '\(argument)': use auto, kitty, iterm, sixel or text"]
        }
        if let choosePictures {
            (pictures, picturesReason) = choosePictures(mode)
        } else {
            // Not at a terminal: only text can be shown.
            (pictures, picturesReason) = (nil, mode == .text ? "text (chosen)" : "text (not a terminal)")
        }
        return ["pictures: " + picturesReason]
    }
}
