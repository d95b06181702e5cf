import Datasets
import Foundation
import Testing
@testable import Notebook
@testable import REPL

/// Every lesson in lessons/ runs start to finish in quick mode: no broken cell, every expected output
/// and every check holds (as `ganbook run --quick` does in CI).
@Suite("Lesson files", .serialized)
struct LessonFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var lessonNumbers: [Int] {
        Course(lessonsFolder: root.appendingPathComponent("lessons").path).entries.filter { $0.file != nil }.map(\.number)
    }

    @Test("runs in quick mode and passes", arguments: lessonNumbers)
    func lessonPasses(number: Int) throws {
        let course = Course(lessonsFolder: LessonFileTests.root.appendingPathComponent("lessons").path)
        let lesson = try course.lesson(number).get()
        let session = Session(seed: 0, dataDirectory: DataDirectory(root: LessonFileTests.root.appendingPathComponent("datasets/data").path))
        session.interpreter.quickMode = true
        let run = LessonRun(lesson, session: session)
        // One line per failure: the step, the check and the values it saw.
        for failure in run.failures { Issue.record("lesson \(number): \(failure)") }
        #expect((8...15).contains(lesson.steps.count), "lesson \(number) has \(lesson.steps.count) steps")
        #expect(!run.lines.contains { $0.contains("{?") }, "a {value} in the prose failed to evaluate")
    }
}
