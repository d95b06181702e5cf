import ArgumentParser
import Datasets
import Foundation
import REPL
import TensorCore

@main
struct Ganbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ganbook",
        abstract: "A terminal notebook that shows how neural networks learn to draw.",
        discussion: "With no subcommand, starts the notebook where you left off.",
        subcommands: [DataCommand.self, BenchCommand.self]
    )

    @Option(help: "Folder holding the datasets (default: datasets/data in the project, or $GANBOOK_DATA_DIR).")
    var dataDir: String?

    /// Where lessons, data and state live, from the flags and the environment.
    var paths: Paths { Paths(dataDirOverride: dataDir) }

    func run() throws {
        retainFreedMemory()
        var repl = REPL(course: Course(lessonsFolder: paths.lessons),
                        data: DataDirectory(root: paths.data),
                        write: { print($0) })
        if ReadlineReader.stdinIsTerminal {
            try? FileManager.default.createDirectory(atPath: paths.state, withIntermediateDirectories: true)
            var reader = ReadlineReader(historyPath: (paths.state as NSString).appendingPathComponent("history"))
            repl.run(reader: &reader)
        } else {
            var reader = PlainLineReader()
            repl.run(reader: &reader)
        }
    }
}
