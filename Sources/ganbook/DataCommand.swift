import ArgumentParser
import Datasets
import Foundation
import NN
import Terminal
import TextPlot

/// `ganbook data fetch|status|verify`.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Fetch, inspect and check the datasets.",
        subcommands: [Fetch.self, Status.self, Verify.self, Show.self],
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

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Draw some images of a dataset in the terminal, with their labels.")
        @ParentCommand var root: Ganbook
        @Option(help: "mnist or fashion.") var dataset: String = "mnist"
        @Option(help: "train or test.") var split: String = "train"
        @Option(help: "Index of the first image.") var index: Int = 0
        @Option(help: "How many images (a grid of up to 8 per row).") var count: Int = 1
        @Option(help: "Write the images as a PNG grid too.") var png: String?
        @Flag(help: "ASCII characters only, no colour.") var ascii = false
        @Flag(help: "No colour.") var noColor = false

        func run() throws {
            guard let name = DatasetName(rawValue: dataset), let part = Split(rawValue: split) else {
                throw ValidationError("--dataset is mnist or fashion, --split is train or test")
            }
            let directory = DataDirectory(root: root.paths.data)
            let data: LabeledImages
            do { data = try directory.load(name, part) } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                throw ExitCode(1)
            }
            guard index >= 0, count >= 1, index + count <= data.count else {
                throw ValidationError("images \(index)…\(index + count - 1) are outside 0…\(data.count - 1)")
            }
            let images = (index..<(index + count)).map { i in
                GrayImage(width: data.cols, height: data.rows, pixels: data.image(i).map { Double($0) })
            }
            let captions = (index..<(index + count)).map { "#\($0): " + name.classNames[Int(data.labels[$0])] }
            let style = TerminalStyle.detect(ascii: ascii, noColor: noColor)
            let canvas = GridRenderer.canvas(
                images, captions: captions, columns: min(count, max(1, TerminalStyle.width / 30)),
                range: 0...255, gap: 2, style: style)
            for line in canvas.lines(style.color) { print(line) }
            if let png {
                do { try writeAtomically(PNG.encode(RGBImage.grid(images, columns: 8, scale: 2)), to: png) } catch {
                    FileHandle.standardError.write(Data((error.description + "\n").utf8))
                    throw ExitCode(1)
                }
                print("wrote \(png)")
            }
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
