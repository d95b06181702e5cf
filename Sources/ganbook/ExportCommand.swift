import ArgumentParser
import Foundation
import Lessons
import TensorCore
import TorchExport

/// `ganbook export --torch lessons/NN-name.md`: a lesson's cells as a runnable PyTorch script.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a lesson (NN-name.md) or a file of cells as a runnable PyTorch script.",
        discussion: """
            Each cell becomes its PyTorch equivalent under a comment with the cell; notebook-only builtins (show, \
            mnist, GAN…) become small helpers defined at the top of the script. Cells with no equivalent stay as \
            comments that say why. Without --output the script goes to standard output.
            """)

    @ParentCommand var root: Ganbook
    @Flag(help: "PyTorch (the only format).") var torch = false
    @Argument(help: "A lesson file (.md) or a file of cells, one per line.") var file: String
    @Option(name: .shortAndLong, help: "Write the script here (a file ganbook wrote before may be replaced; --force for any).") var output: String?
    @Flag(help: "Replace the output file even if ganbook did not write it.") var force = false

    func run() throws {
        guard torch else { fail("say which format: ganbook export --torch \(file)") }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { fail("can't read \(file)") }
        let name = (file as NSString).lastPathComponent
        var script = TorchScript(origin: file.hasSuffix(".md") ? "lesson \(name)" : name, dataDirectory: root.paths.data)
        if file.hasSuffix(".md") {
            let lesson: Lesson
            do { lesson = try Lesson.parse(text, file: file) } catch { fail("\(file): \(error)") }
            script.sections = [("lesson: " + lesson.title, [])] + lesson.steps.map { ($0.title, $0.cells) }
        } else {
            script.sections = [(nil, text.components(separatedBy: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty && !$0.hasPrefix("#") })]
        }
        let (code, untranslated, cells) = script.render()
        guard let output else {
            FileHandle.standardOutput.write(Data(code.utf8))
            return
        }
        let header = TorchScript.header
        let isOurs: (String) -> Bool = { header.utf8.elementsEqual((try? RegularFile.head($0, bytes: header.utf8.count)) ?? []) }
        do throws(FileProblem) {
            try AtomicFile.write(Array(code.utf8), to: output, kind: "script written by ganbook export", mayReplace: force ? nil : isOurs)
        } catch {
            fail(error.message.replacingOccurrences(of: "add overwrite=True", with: "add --force"))
        }
        let skipped = untranslated == 0 ? "" : "; \(untranslated) without a PyTorch equivalent stay as comments"
        FileHandle.standardError.write(Data("wrote \(output): \(cells) cells as PyTorch\(skipped)\n".utf8))
    }

    func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
