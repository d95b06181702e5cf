import Foundation
import Testing

@testable import Lessons

/// The promise of every lesson: its checks hold for (nearly) every seed and every correct engine, and a
/// check that claims learning fails when nothing learns. Each test runs `ganbook run --seeds …` in a
/// child process (the BLAS kernel is chosen when OpenBLAS loads, so a variant needs its own process),
/// in a scratch folder so that files the lessons save stay out of the project.
@Suite("Lesson robustness sweep", .serialized)
struct LessonSweepTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A numeric variant of the engine: how the child computes its products.
    struct Variant: CustomTestStringConvertible, Sendable {
        let name: String
        let arguments: [String]
        /// Environment variables to set ("" removes one).
        let environment: [String: String]
        var testDescription: String { name }

        static let haswell = Variant(
            name: "OpenBLAS, OPENBLAS_CORETYPE=Haswell", arguments: [],
            environment: ["OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"])
        static let native = Variant(
            // OpenBLAS's own choice, or what ganbook asks for when that choice is a generic fallback
            // (BLASKernelChoice: SkylakeX on the AVX-512 machines OpenBLAS 0.3.21 does not recognise).
            name: "OpenBLAS, the kernel ganbook runs unset", arguments: [],
            environment: ["OPENBLAS_CORETYPE": "", "OPENBLAS_L2_SIZE": ""])
        static let reference = Variant(name: "reference loops", arguments: ["--engine", "reference"], environment: [:])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let lesson: String
        let quick: Bool
        let seeds: String
        let variant: Variant
        var testDescription: String { "\(lesson)\(quick ? " --quick" : "") seeds \(seeds), \(variant.name)" }
    }

    /// Lessons 1, 2 and 4 as a learner runs them and lesson 3 in quick mode, over ten seeds, under both
    /// BLAS settings; the same under the reference loops, with lesson 2 in quick mode too (the products
    /// are the same, the loops ten times slower). Lesson 3 as a learner over two seeds (its 2,000-step
    /// CNN is the slow part) and lesson 5 in quick mode (ten seeds under the BLAS setting of these
    /// machines and of CI, three under OpenBLAS's own choice: ~25 s a run) under both BLAS settings;
    /// its networks are too big for the reference loops in a test. `ganbook run --seeds` by hand for more.
    static let cases: [Case] = {
        var all: [Case] = []
        for variant in [Variant.haswell, .native, .reference] {
            all.append(Case(lesson: "01-tensors.md", quick: false, seeds: "0-9", variant: variant))
            all.append(Case(lesson: "02-gradient-descent.md", quick: variant.arguments.contains("reference"), seeds: "0-9", variant: variant))
            all.append(Case(lesson: "03-convolution.md", quick: true, seeds: "0-9", variant: variant))
            all.append(Case(lesson: "04-counterfeiter-and-treasurer.md", quick: false, seeds: "0-9", variant: variant))
        }
        for variant in [Variant.haswell, .native] {
            all.append(Case(lesson: "03-convolution.md", quick: false, seeds: "0-1", variant: variant))
        }
        all.append(Case(lesson: "05-gan.md", quick: true, seeds: "0-9", variant: .haswell))
        all.append(Case(lesson: "05-gan.md", quick: true, seeds: "0-2", variant: .native))
        // A lesson file without tuned settings above (a new one) is swept too, in quick mode over three seeds.
        let tuned = Set(all.map(\.lesson))
        for file in lessonFiles where !tuned.contains(file) {
            all.append(Case(lesson: file, quick: true, seeds: "0-2", variant: .haswell))
        }
        return all
    }()

    /// The course's lesson files (`NN-name.md`), as `Course` finds them in lessons/.
    static var lessonFiles: [String] {
        Course(lessonsFolder: root.appendingPathComponent("lessons").path).entries.compactMap { $0.file.map { ($0 as NSString).lastPathComponent } }
    }

    /// Runs ganbook with `arguments` in a fresh scratch folder; returns what it printed and its status.
    static func ganbook(_ arguments: [String], environment: [String: String]) throws -> (output: String, status: Int32) {
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ganbook-sweep-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ProcessTests.executable)
        p.arguments = ["--no-color", "--data-dir", root.appendingPathComponent("datasets/data").path] + arguments
        p.currentDirectoryURL = scratch
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = scratch.path
        for (k, v) in environment { if v.isEmpty { env.removeValue(forKey: k) } else { env[k] = v } }
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), p.terminationStatus)
    }

    @Test("checks hold in at least 95% of runs", arguments: cases)
    func sweep(_ c: Case) throws {
        guard FileManager.default.fileExists(atPath: ProcessTests.executable) else {
            Issue.record("no executable at \(ProcessTests.executable)")
            return
        }
        let lesson = LessonSweepTests.root.appendingPathComponent("lessons/" + c.lesson).path
        let (output, _) = try LessonSweepTests.ganbook(
            ["run", "--seeds", c.seeds] + (c.quick ? ["--quick"] : []) + c.variant.arguments + [lesson],
            environment: c.variant.environment)
        let lines = output.components(separatedBy: "\n")
        let runs = lines.filter { $0.hasPrefix("seed ") }
        let failed = runs.filter { $0.contains("FAILED") }
        #expect(!runs.isEmpty, "no runs reported:\n\(output.suffix(2000))")
        // At most one run in twenty may fail (a tendency over seeds, not a certainty), and each failure is
        // listed with its seed and variant.
        #expect(failed.count * 20 <= runs.count, "\(failed.count) of \(runs.count) runs failed")
        for (i, line) in lines.enumerated() where line.hasPrefix("seed ") && line.contains("FAILED") {
            let details = lines[(i + 1)...].prefix { $0.hasPrefix("  ") }
            print("sweep: \(c.lesson) \(c.quick ? "quick" : "learner") [\(c.variant.name)] \(line)\n" + details.joined(separator: "\n"))
        }
        if let summary = lines.last(where: { $0.contains("seeds passed") }) { print("sweep: \(summary) [\(c.variant.name)]") }
    }

    /// Lessons with a check that claims learning (```check learning), run with learning frozen.
    static var learningLessons: [String] {
        let course = Course(lessonsFolder: root.appendingPathComponent("lessons").path)
        return course.entries.compactMap { entry in
            guard let file = entry.file, let lesson = try? course.lesson(entry.number).get(),
                lesson.steps.contains(where: \.checkClaimsLearning)
            else { return nil }
            return (file as NSString).lastPathComponent
        }
    }

    @Test("with learning frozen, every check that claims learning fails", arguments: learningLessons)
    func frozen(_ file: String) throws {
        guard FileManager.default.fileExists(atPath: ProcessTests.executable) else {
            Issue.record("no executable at \(ProcessTests.executable)")
            return
        }
        let lesson = LessonSweepTests.root.appendingPathComponent("lessons/" + file).path
        let (output, status) = try LessonSweepTests.ganbook(["run", "--seeds", "0", "--quick", "--frozen", lesson], environment: [:])
        #expect(status != 0, "the lesson passed with learning frozen")
        #expect(!output.contains("a cell failed, so the later checks did not run"), "a cell failed with learning frozen:\n\(output.suffix(3000))")
        #expect(
            output.contains("learning checks that passed with learning frozen: none"),
            "\(output.components(separatedBy: "\n").filter { $0.hasPrefix("learning checks") }.joined())")
    }
}
