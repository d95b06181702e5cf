import ArgumentParser
import Datasets
import Foundation
import Lessons
import Notebook
import TensorCore
import Terminal
import Workspace

@main
struct Ganbook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ganbook",
        abstract: "A terminal notebook that shows how neural networks learn to draw.",
        discussion: "With no subcommand, starts the notebook where you left off.",
        subcommands: [RunCommand.self, LessonsCommand.self, DataCommand.self, BenchCommand.self, FuzzCommand.self, ExportCommand.self]
    )

    @Option(help: "Folder holding the datasets (default: datasets/data in the project, or $GANBOOK_DATA_DIR).")
    var dataDir: String?

    /// Where lessons, data and state live, from the flags and the environment.
    var paths: Paths { Paths(dataDirOverride: dataDir) }

    @Flag(help: "ASCII characters only, no colour.") var ascii = false
    @Flag(help: "No colour.") var noColor = false
    @Option(help: "How pictures are drawn: auto (find out), kitty, iterm, sixel, or text (half-blocks).") var images: ImageMode = .auto
    @Option(help: "Seed of the session's random generator (default 0; a workspace that comes back keeps its own).")
    var seed: UInt64?
    @Option(help: "Open lesson N (from its first step).") var lesson: Int?
    @Flag(help: "Forget saved progress and the workspace (your variables) and start over; files you saved stay.") var reset = false

    /// Before anything else: OpenBLAS's kernels for this CPU (a generic fallback is replaced by
    /// starting again with OPENBLAS_CORETYPE set: `BLASKernelChoice`), OpenBLAS's spinning worker
    /// threads stopped before they slow start-up (`BLAS.runOnCallingThreadOnly`), then the command.
    static func main() {
        BLASKernelChoice.restartIfNeeded()
        BLAS.runOnCallingThreadOnly()
        main(nil)
    }

    func run() throws {
        retainFreedMemory()
        installInterruptHandler()
        let style = TerminalStyle.detect(ascii: ascii, noColor: noColor)
        let data = DataDirectory(root: paths.data)
        let session = Session(seed: seed ?? 0, display: DisplayStyle(style: style, width: TerminalStyle.width), dataDirectory: data)
        let live = LiveTerminal()
        if isatty(STDOUT_FILENO) == 1 {
            session.interpreter.live = { live.handle($0, colorMode: style.color) }
        }
        let store = ProgressStore(path: paths.progressFile)
        let workspace = WorkspaceStore(folder: paths.workspaceFolder)
        if reset {
            store.save(Progress())
            workspace.clear()
        }
        let repl = REPL(
            session: session, course: Course(lessonsFolder: paths.lessons), data: data, progress: store, workspace: workspace,
            write: { print($0) })
        repl.asciiOnly = ascii
        repl.requestedSeed = seed
        let plain = ascii || noColor || style.color == .none
        let choose = { (mode: ImageMode) -> (InlinePictures?, String) in
            let terminal = isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
            let (proto, reason) = ImageSupport.choose(
                mode, environment: ProcessInfo.processInfo.environment, isTerminal: terminal, plain: plain,
                ask: { ImageSupport.askTerminal("\u{1B}[c") })
            guard let proto else { return (nil, reason) }
            let cell = ImageSupport.cellSize() ?? (proto == .sixel && terminal ? ImageSupport.askCellSize() : nil) ?? .assumed
            return (InlinePictures(proto: proto, cell: cell, windowRows: ImageSupport.windowRows(), windowColumns: TerminalStyle.width), reason)
        }
        (repl.pictures, repl.picturesReason) = choose(images)
        repl.choosePictures = choose
        live.pictures = { repl.pictures }
        if isatty(STDOUT_FILENO) == 1 { repl.measureWidth = { TerminalStyle.width } }
        if ReadlineReader.stdinIsTerminal {
            try? FileManager.default.createDirectory(atPath: paths.state, withIntermediateDirectories: true)
            var reader = ReadlineReader(
                historyPath: (paths.state as NSString).appendingPathComponent("history"),
                complete: { repl.completions(for: $0) })
            repl.run(reader: &reader, lesson: lesson)
        } else {
            var reader = PlainLineReader()
            repl.run(reader: &reader, lesson: lesson)
            // On a pipe a failed cell or a refused command is a failed script.
            if repl.failures > 0 { throw ExitCode(1) }
        }
    }
}

extension ImageMode: ExpressibleByArgument {}
