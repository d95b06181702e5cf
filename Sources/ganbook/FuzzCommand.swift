import ArgumentParser
import Datasets
import Foundation
import Notebook

/// `ganbook fuzz`: many random and mutated lines through one session; any crash ends the process.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Feed random and mutated lines to a notebook session (zero crashes expected).")

    @ParentCommand var root: Ganbook
    @Option(help: "How many lines.") var lines: Int = 100_000
    @Option(help: "Fuzzer seed.") var seed: UInt64 = 1

    @Option(help: "Mutate files instead of lines: checkpoints (load_gan / load_model) or idx (the data loader).") var mutate: FileFuzzer.Target?
    @Option(help: "How many mutated files (with --mutate).") var count: Int = 10_000

    func run() throws {
        if let mutate { return try runFileFuzzer(mutate, count: count, seed: seed) }
        let session = Session(seed: seed, dataDirectory: DataDirectory(root: root.paths.data))
        var fuzzer = CellFuzzer(seed: seed)
        let start = Date()
        let (ok, errors) = fuzzer.run(count: lines, session: session)
        print("\(lines) lines in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: \(ok) ran, \(errors) gave an error message, 0 crashes")
    }
}

extension FileFuzzer.Target: ExpressibleByArgument {}
