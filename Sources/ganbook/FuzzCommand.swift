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

    func run() throws {
        let session = Session(seed: seed, dataDirectory: DataDirectory(root: root.paths.data))
        var fuzzer = CellFuzzer(seed: seed)
        let start = Date()
        let (ok, errors) = fuzzer.run(count: lines, session: session)
        print("\(lines) lines in \(String(format: "%.1f", Date().timeIntervalSince(start))) s: \(ok) ran, \(errors) gave an error message, 0 crashes")
    }
}
