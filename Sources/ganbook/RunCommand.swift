import ArgumentParser
import Datasets
import Foundation
import Lessons
import NN
import Notebook
import TensorCore
import Terminal

/// `ganbook run FILE`: a lesson (or a script of cells) without a terminal, printing every cell and its output.
/// With `--seeds 0-9`, the lesson runs once per seed and prints one line per run: the robustness sweep.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a lesson (NN-name.md) or a script of cells non-interactively; non-zero exit on an error or a failed check.",
        discussion: """
            --seeds A-B runs a lesson once per seed (a fresh session each time) and reports each run on one line; \
            the exit status is non-zero if any run failed. --engine reference computes every matmul and \
            convolution with plain loops instead of OpenBLAS; --frozen switches learning off (every optimizer \
            step leaves the weights as they are), so the checks that claim learning must fail.
            """)

    @ParentCommand var root: Ganbook
    @Argument(help: "A lesson file (.md) or a file of cells, one per line.") var file: String
    @Flag(help: "Quick mode: lessons shorten long training (as CI runs them).") var quick = false
    @Option(help: "Run a lesson once per seed: a range (0-9) or a list (0,3,7). Replaces --seed.") var seeds: String?
    @Option(help: "The products' engine: blas (OpenBLAS) or reference (plain loops).") var engine: String = "blas"
    @Flag(help: "Learning off: every optimizer step leaves the weights as they are (for the lesson tests).") var frozen = false

    func run() throws {
        retainFreedMemory()
        installInterruptHandler()
        guard let products = Engine.Products(rawValue: engine) else {
            FileHandle.standardError.write(Data("error: --engine is blas or reference\n".utf8))
            throw ExitCode(2)
        }
        Engine.products = products
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            FileHandle.standardError.write(Data("error: can't read \(file)\n".utf8))
            throw ExitCode(2)
        }
        if let seeds {
            guard file.hasSuffix(".md") else { fail("--seeds runs lessons (.md files)") }
            guard let list = RunCommand.parseSeeds(seeds) else { fail("--seeds is a range such as 0-9 or a list such as 0,3,7") }
            try sweep(try parseLesson(text), seeds: list)
        } else if file.hasSuffix(".md") {
            let lesson = try parseLesson(text)
            // Each line as it happens, straight to standard output (unbuffered, also on a pipe).
            let run = LessonRun(lesson, session: makeSession(seed: (root.seed ?? 0)), stop: RunCommand.ctrlCPressed, onLine: say)
            if let step = run.stoppedAtStep { stopped("at step \(step) of \(lesson.steps.count)") }
            guard run.passed else {
                for f in run.failures { FileHandle.standardError.write(Data("FAILED: \(f)\n".utf8)) }
                throw ExitCode(1)
            }
            say("\nlesson passed: \(lesson.steps.count) steps")
        } else {
            let session = makeSession(seed: (root.seed ?? 0))
            var failed = false
            for (n, cell) in text.components(separatedBy: "\n").enumerated() where !cell.trimmingCharacters(in: .whitespaces).isEmpty && !cell.hasPrefix("#") {
                if RunCommand.ctrlCPressed() { stopped("before line \(n + 1)") }
                say(">>> " + cell)
                let result = session.run(cell)
                for line in result.lines { say(line) }
                if result.error?.kind == .interrupted { stopped("at line \(n + 1)") }
                if !result.succeeded { failed = true; break }
            }
            if failed { throw ExitCode(1) }
        }
    }

    /// Whether Ctrl-C has been pressed during this run, or the run was told to end (`kill`, a closed
    /// terminal): one of them ends all of it, not only the cell it stops.
    static func ctrlCPressed() -> Bool { interruptsReceived.load(ordering: .relaxed) > 0 || hangupReceived.load(ordering: .relaxed) }

    /// Ends the run after a Ctrl-C with one clear line and the shell's status for SIGINT (130); after
    /// SIGTERM or SIGHUP, the status for SIGTERM (143).
    func stopped(_ where: String) -> Never {
        let terminated = hangupReceived.load(ordering: .relaxed) && interruptsReceived.load(ordering: .relaxed) == 0
        FileHandle.standardOutput.write(Data("stopped by \(terminated ? "a signal to end" : "Ctrl-C") \(`where`)\n".utf8))
        Foundation.exit(terminated ? 143 : 130)
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(2)
    }

    func parseLesson(_ text: String) throws -> Lesson {
        do { return try Lesson.parse(text, file: file) } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }

    func makeSession(seed: UInt64) -> Session {
        let style = TerminalStyle.detect(ascii: root.ascii, noColor: root.noColor)
        let session = Session(
            seed: seed, display: DisplayStyle(style: style, width: TerminalStyle.width),
            dataDirectory: DataDirectory(root: root.paths.data))
        session.interpreter.settings.quickMode = quick
        session.interpreter.settings.learningFrozen = frozen
        return session
    }

    /// One line per seed, then a summary line that names the variant (engine, OpenBLAS kernel, mode):
    ///
    ///     seed 3: passed
    ///     seed 4: FAILED step 9 'Collapse: one kind of coin': check failed: … [values]
    ///     04-counterfeiter-and-treasurer.md: 9 of 10 seeds passed (engine blas, kernel Haswell, learner mode, learning on)
    ///
    /// With --frozen it also lists the steps whose check claims learning (```check learning) and still passed.
    func sweep(_ lesson: Lesson, seeds: [UInt64]) throws {
        var passed = 0
        var learningChecksThatPassed = Set<String>()
        let claims = lesson.steps.enumerated().filter { $0.element.checkClaimsLearning }.map { "step \($0.offset + 1) '\($0.element.title)'" }
        for seed in seeds {
            let started = Date()
            let run = LessonRun(lesson, session: makeSession(seed: seed), stop: RunCommand.ctrlCPressed)
            if run.stoppedAtStep != nil { say("seed \(seed): stopped by Ctrl-C"); stopped("after \(passed) of \(seeds.count) seeds passed") }
            let time = String(format: "%.1f s", Date().timeIntervalSince(started))
            if run.passed {
                passed += 1
                say("seed \(seed): passed (\(time))")
            } else {
                say("seed \(seed): FAILED (\(time))")
                for f in run.failures { say("  " + f.replacingOccurrences(of: "\n", with: " ⏎ ")) }
            }
            if frozen {
                let failedSteps = Set(run.failedChecks.map { "step \($0.step) '\($0.title)'" })
                if run.ranToTheEnd { for c in claims where !failedSteps.contains(c) { learningChecksThatPassed.insert(c) } } else { say("  (a cell failed, so the later checks did not run)") }
            }
        }
        let name = (file as NSString).lastPathComponent
        let variant = "engine \(engine), kernel \(Engine.products == .blas ? BLAS.coreName : "none"), \(quick ? "quick" : "learner") mode, learning \(frozen ? "frozen" : "on")"
        say("\(name): \(passed) of \(seeds.count) seeds passed (\(variant))")
        if frozen {
            say("learning checks that passed with learning frozen: " + (learningChecksThatPassed.isEmpty ? "none" : learningChecksThatPassed.sorted().joined(separator: ", ")))
        }
        if passed < seeds.count { throw ExitCode(1) }
    }

    /// A line straight to standard output, so a long sweep shows each run as it ends.
    func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

    /// "0-9" → 0…9; "0,3,7" → [0, 3, 7]; nil when malformed or longer than 1,000 seeds.
    static func parseSeeds(_ text: String) -> [UInt64]? {
        var seeds: [UInt64] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            if bounds.count == 1, let s = UInt64(bounds[0].trimmingCharacters(in: .whitespaces)) { seeds.append(s); continue }
            guard bounds.count == 2, let a = UInt64(bounds[0].trimmingCharacters(in: .whitespaces)),
                let b = UInt64(bounds[1].trimmingCharacters(in: .whitespaces)), a <= b, b - a < 1000
            else { return nil }
            seeds += Array(a...b)
        }
        return seeds.isEmpty || seeds.count > 1000 ? nil : seeds
    }
}

/// `ganbook lessons`: the list with progress.
struct LessonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lessons", abstract: "List the lessons with your progress.")
    @ParentCommand var root: Ganbook

    func run() throws {
        let course = Course(lessonsFolder: root.paths.lessons)
        let progress = ProgressStore(path: root.paths.progressFile).load()
        for line in course.listing(progress: progress) { print(line) }
    }
}
