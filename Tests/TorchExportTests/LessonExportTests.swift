import Foundation
import Lessons
import Testing

@testable import TorchExport

/// Every lesson as a script: each cell of lessons 1–5 has a PyTorch equivalent, lesson 6's say why not,
/// and every script is valid Python (checked by the machine's python3: no torch needed).
@Suite struct LessonExportTests {
    static let lessonsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("lessons").path

    static func lesson(_ prefix: String) throws -> (name: String, lesson: Lesson) {
        let name = try FileManager.default.contentsOfDirectory(atPath: lessonsFolder).first { $0.hasPrefix(prefix) && $0.hasSuffix(".md") }!
        let text = try String(contentsOfFile: lessonsFolder + "/" + name, encoding: .utf8)
        return (name, try Lesson.parse(text, file: name))
    }

    static func script(_ prefix: String) throws -> (text: String, untranslated: Int, cells: Int) {
        let (name, lesson) = try lesson(prefix)
        var s = TorchScript(origin: "lesson \(name)", dataDirectory: "datasets/data")
        s.sections = lesson.steps.map { ($0.title, $0.cells) }
        return s.render()
    }

    @Test(arguments: ["01", "02", "03", "04", "05"])
    func everyCellOfLessonsOneToFiveTranslates(prefix: String) throws {
        let (name, lesson) = try LessonExportTests.lesson(prefix)
        var t = TorchTranslator()
        var cells = 0
        for step in lesson.steps {
            for cell in step.cells {
                let out = t.translate(cell)
                #expect(out.missing == nil, "\(name), step \(step.title): \(cell) → \(out.missing ?? "")")
                #expect(!out.lines.isEmpty)
                cells += 1
            }
        }
        #expect(cells > 50)
    }

    @Test func lessonSixCellsTranslateOrSayWhyNot() throws {
        let (_, lesson) = try LessonExportTests.lesson("06")
        var t = TorchTranslator()
        var translated = 0
        for cell in lesson.steps.flatMap(\.cells) {
            let out = t.translate(cell)
            if let missing = out.missing {
                #expect(missing.hasPrefix("no PyTorch equivalent: ") && out.lines.first == "# " + missing)
            } else {
                translated += 1
            }
        }
        #expect(translated >= 10)  // load_gan, sample, show, mnist, the error sums…
    }

    @Test func aScriptCarriesOnlyTheHelpersItsCellsUse() throws {
        let one = try LessonExportTests.script("01").text
        #expect(one.hasPrefix("#!/usr/bin/env python3\n\"\"\"PyTorch version of lesson 01-tensors.md"))
        #expect(one.contains("def mnist():") && one.contains("def show(") && !one.contains("class GAN:") && !one.contains("class CoinGame:"))
        #expect(one.contains("# >>> x = tensor([[1, 2, 3], [4, 5, 6]])\nx = torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.float32)"))
        let five = try LessonExportTests.script("05").text
        #expect(five.contains("class GAN:") && five.contains("def score(") && !five.contains("def agree_with_session"))
    }

    @Test func aSessionScriptWithWeightsEndsWithTheCheck() {
        var s = TorchScript(origin: "a ganbook session (2 cells)", dataDirectory: "/data")
        s.sections = [(nil, ["gan = GAN(batch=8)", "gan.train(steps=100)"])]
        s.weightsFile = "session.safetensors"
        let text = s.render().text
        #expect(text.contains("def agree_with_session(path):"))
        #expect(text.contains("if \"--check-only\" not in sys.argv:  # the session's cells, then the check\n    pass\n    # >>> gan = GAN(batch=8)\n    gan = GAN(batch=8)"))
        #expect(text.hasSuffix("sys.exit(0 if agree_with_session(WEIGHTS) else 1)\n"))
    }

    /// python3 parses the script (ast.parse): a syntax error anywhere in the helpers or the cells fails here.
    @Test(arguments: ["01", "02", "03", "04", "05", "06"])
    func scriptsAreValidPython(prefix: String) throws {
        let text = try LessonExportTests.script(prefix).text
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import ast, sys; ast.parse(sys.stdin.read())"]
        let input = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardError = errors
        try p.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 0, "\(message)")
    }
}
