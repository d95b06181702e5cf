import ArgumentParser
import Datasets
import Foundation
import Fuzzing
import Lessons
import Notebook

/// `ganbook fuzz`: many random and mutated lines through one session; any crash ends the process.
/// The seed is the notebook's own `--seed` (`ganbook fuzz --seed 7`): one option, so it cannot be shadowed.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Feed random and mutated lines to a notebook session (zero crashes expected); --seed S picks the lines.")

    @ParentCommand var root: Ganbook
    @Option(help: "How many lines.") var lines: Int = 100_000
    @Option(help: "Append every line to this file before it runs (the last one names a crash).") var log: String?
    @Option(help: "Run the lines of a --log file again, in order, errors or not (to find what a crash needs).") var replay: String?

    @Option(help: "Mutate files instead of lines: checkpoints (load_gan / load_model) or idx (the data loader).") var mutate: FileFuzzer.Target?
    @Option(help: "How many mutated files (with --mutate).") var count: Int = 10_000

    func run() throws {
        if let mutate { return try runFileFuzzer(mutate, count: count, seed: (root.seed ?? 0)) }
        let session = Session(seed: (root.seed ?? 0), dataDirectory: DataDirectory(root: root.paths.data))
        session.interpreter.quickMode = true  // a judge for gan.score() trains briefly
        if let replay {
            guard let text = try? String(contentsOfFile: replay, encoding: .utf8) else { throw ValidationError("can't read \(replay)") }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.replacingOccurrences(of: "\\n", with: "\n") }
            for line in lines { _ = session.run(line) }
            print("replayed \(lines.count) lines, 0 crashes")
            return
        }
        var fuzzer = CellFuzzer(seed: (root.seed ?? 0))
        let start = Date()
        var ok = 0, errors = 0
        let logFile = log.flatMap { FileManager.default.createFile(atPath: $0, contents: nil) ? FileHandle(forWritingAtPath: $0) : nil }
        let before: ((String) -> Void)? = logFile.map { file in { line in file.write(Data((line.replacingOccurrences(of: "\n", with: "\\n") + "\n").utf8)) } }
        // Progress every 10,000 lines, so a slow line shows where it is.
        for done in stride(from: 0, to: lines, by: 10_000) {
            let (o, e) = fuzzer.run(count: min(10_000, lines - done), session: session, before: before)
            ok += o; errors += e
            FileHandle.standardError.write(Data("\(done + o + e) lines, \(String(format: "%.0f", Date().timeIntervalSince(start))) s\n".utf8))
        }
        print("seed \((root.seed ?? 0)): \(lines) lines in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: \(ok) ran, \(errors) gave an error message, 0 crashes")
    }
}

extension FileFuzzer.Target: ExpressibleByArgument {}
