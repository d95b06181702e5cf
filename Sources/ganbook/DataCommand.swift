import ArgumentParser
import Datasets
import Foundation

/// `ganbook data fetch|status|verify`.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fetch, inspect and check the datasets.",
        subcommands: [Fetch.self, Status.self, Verify.self],
        defaultSubcommand: Status.self
    )

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download MNIST (or its 5,000-digit fallback) and find Fashion-MNIST; verify and install atomically.")
        @ParentCommand var root: Ganbook
        @Flag(help: "Fetch again even when the files are present.") var force = false

        func run() throws {
            let paths = root.paths
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", paths.fetchScript, "--data-dir", paths.data] + (force ? ["--force"] : [])
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 { throw ExitCode(process.terminationStatus) }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Which datasets are present, where from, with counts per class.")
        @ParentCommand var root: Ganbook

        func run() throws {
            let report = DataReport(directory: DataDirectory(root: root.paths.data))
            try printOrFail { () throws(DatasetError) in try report.status() }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read every file in full and compare checksums with the fetch manifest.")
        @ParentCommand var root: Ganbook

        func run() throws {
            let report = DataReport(directory: DataDirectory(root: root.paths.data))
            try printOrFail { () throws(DatasetError) in try report.verify() }
        }
    }
}

/// Prints the report's lines, or its one-line error on stderr with exit code 1.
func printOrFail(_ body: () throws(DatasetError) -> [String]) throws {
    do {
        for line in try body() { print(line) }
    } catch {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(1)
    }
}
