import Datasets
import Foundation
import Testing

@testable import Lessons
@testable import Notebook
@testable import Terminal

/// Every lesson in lessons/ runs start to finish in quick mode: no broken cell, every expected output
/// and every check holds (as `ganbook run --quick` does in CI).
@Suite("Lesson files", .serialized)
struct LessonFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where the lessons run by these tests keep their files: one folder for the whole run, so that
    /// lesson 5 finds the classifier lesson 3 saved.
    static let scratch: String = {
        let folder = NSTemporaryDirectory() + "ganbook-lessons-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    static var lessonNumbers: [Int] {
        Course(lessonsFolder: root.appendingPathComponent("lessons").path).entries.filter { $0.file != nil }.map(\.number)
    }

    @Test("runs in quick mode and passes", arguments: lessonNumbers)
    func lessonPasses(number: Int) throws {
        let course = Course(lessonsFolder: LessonFileTests.root.appendingPathComponent("lessons").path)
        let lesson = try course.lesson(number).get()
        let session = Session(seed: 0, dataDirectory: DataDirectory(root: LessonFileTests.root.appendingPathComponent("datasets/data").path))
        session.interpreter.quickMode = true
        // The lessons' files (lesson 3's classifier, lesson 5's GAN) go to one scratch folder, never the checkout.
        session.interpreter.settings.folder = LessonFileTests.scratch
        let run = LessonRun(lesson, session: session)
        // One line per failure: the step, the check and the values it saw.
        for failure in run.failures { Issue.record("lesson \(number): \(failure)") }
        #expect((8...15).contains(lesson.steps.count), "lesson \(number) has \(lesson.steps.count) steps")
        #expect(!run.lines.contains { $0.contains("{?") }, "a {value} in the prose failed to evaluate")
    }
}

/// The course is what the lessons folder holds: no list of titles by hand.
@Suite("The course catalog")
struct CourseCatalogTests {
    @Test("a file dropped into lessons/ appears with its own title, numbered by its name")
    func droppedFileAppears() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ganbook-course-\(UInt32.random(in: 0...UInt32.max))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (name, text) in [
            ("01-tensors.md", "# Tensors\n\nintro\n"), ("06-anything.md", "# What else a GAN does\n"),
            ("07-untitled-thing.md", "no heading\n"), ("notes.md", "# Not a lesson\n"), ("6-short.md", "# Nope\n"),
        ] {
            try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        let course = Course(lessonsFolder: folder)
        #expect(course.entries.map(\.number) == [1, 6, 7])
        #expect(course.entries.map(\.title) == ["Tensors", "What else a GAN does", "Untitled thing"])
        #expect(course.listing().map { $0.trimmingCharacters(in: .whitespaces) }.first?.hasPrefix("1. Tensors") == true)
        #expect(course.listing()[1].contains("6. What else a GAN does"))
        guard case .failure(let error) = course.lesson(2) else { Issue.record("lesson 2 should not exist"); return }
        #expect(error.message == "there is no lesson 2 (the lessons: 1, 6, 7)")
    }

    @Test("a lesson names the files it reads from earlier lessons, and says whether they are there")
    func readsFromEarlierLessons() throws {
        let lesson = try Lesson.parse("# L\n\n> reads: classifier.safetensors — lesson 3 saves it\n\n## S\n```check\nTrue\n```\n")
        #expect(lesson.reads == [Lesson.Read(file: "classifier.safetensors", note: "lesson 3 saves it")])
        #expect(lesson.introduction.isEmpty)
        #expect(lesson.readsReport { _ in false } == ["this lesson reads classifier.safetensors (lesson 3 saves it): not here yet"])
        #expect(lesson.readsReport { _ in true } == ["this lesson reads classifier.safetensors (lesson 3 saves it): found"])
        #expect(throws: LessonError.self) { try Lesson.parse("# L\n## S\n> reads: x\n```check\nTrue\n```\n") }
        let course = Course(lessonsFolder: LessonFileTests.root.appendingPathComponent("lessons").path)
        let gan = try course.lesson(5).get()
        #expect(gan.reads.map(\.file) == ["classifier.safetensors"])
    }

    @Test("the project's lessons are numbered 1 to 5 with the titles of their files")
    func projectLessons() {
        let course = Course(lessonsFolder: LessonFileTests.root.appendingPathComponent("lessons").path)
        #expect(Array(course.entries.map(\.number).prefix(5)) == [1, 2, 3, 4, 5])
        #expect(course.entries[3].title == "The counterfeiter and the treasurer")
    }
}
