import ArgumentParser
import Datasets
import Foundation
import Notebook
import REPL
import TensorCore

/// `ganbook run FILE`: a lesson (or a script of cells) without a terminal, printing every cell and its output.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a lesson (NN-name.md) or a script of cells non-interactively; non-zero exit on an error or a failed check.")

    @ParentCommand var root: Ganbook
    @Argument(help: "A lesson file (.md) or a file of cells, one per line.") var file: String
    @Flag(help: "Quick mode: lessons shorten long training (as CI runs them).") var quick = false

    func run() throws {
        retainFreedMemory()
        installInterruptHandler()
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            FileHandle.standardError.write(Data("error: can't read \(file)\n".utf8))
            throw ExitCode(2)
        }
        let style = TerminalStyle.detect(ascii: root.ascii, noColor: root.noColor)
        let session = Session(seed: root.seed, display: DisplayStyle(style: style, width: TerminalStyle.width),
                              dataDirectory: DataDirectory(root: root.paths.data))
        session.interpreter.quickMode = quick
        if file.hasSuffix(".md") {
            let lesson: Lesson
            do { lesson = try Lesson.parse(text, file: file) } catch {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode(2)
            }
            let run = LessonRun(lesson, session: session)
            for line in run.lines { print(line) }
            guard run.passed else {
                for f in run.failures { FileHandle.standardError.write(Data("FAILED: \(f)\n".utf8)) }
                throw ExitCode(1)
            }
            print("\nlesson passed: \(lesson.steps.count) steps")
        } else {
            var failed = false
            for cell in text.components(separatedBy: "\n") where !cell.trimmingCharacters(in: .whitespaces).isEmpty && !cell.hasPrefix("#") {
                print(">>> " + cell)
                let result = session.run(cell)
                for line in result.lines { print(line) }
                if !result.succeeded { failed = true; break }
            }
            if failed { throw ExitCode(1) }
        }
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
