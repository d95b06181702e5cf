import CellLanguage
import Notebook

/// One step of a lesson as it is walked through — the one state machine both drivers use: the batch
/// runner (`LessonRun`: `ganbook run` and the tests, the file's cells in order) and the terminal tutor
/// (the learner's own cells at the prompt). The drivers decide only how things look.
///
///     guessing ──takeGuess──▶ cells ──cellTaken × cells.count──▶ finish ──check holds──▶ finished
///     (only when the tutor asks the predict question)            └──check fails: stays in cells
public struct StepMachine {
    public enum Phase: Equatable, Sendable {
        /// The predict question is asked and the learner's guess awaited (the tutor only).
        case guessing
        /// The step's cells run, one after another; the learner may run more of their own.
        case cells
        /// The check held (or there is none): the step is done.
        case finished
    }

    public let step: Lesson.Step
    /// The step's number in its lesson, from 1.
    public let number: Int
    public private(set) var phase: Phase
    /// The step's next cell (its count once all have been taken).
    public private(set) var cellIndex = 0
    /// The learner's guess for the predict question, if they gave one.
    public private(set) var guess: String?

    /// - Parameter asksGuess: wait for a guess before the cells when the step has a predict question.
    public init(_ step: Lesson.Step, number: Int, asksGuess: Bool) {
        self.step = step
        self.number = number
        phase = asksGuess && step.predict != nil ? .guessing : .cells
    }

    /// What showing the step says: its prose with live values, the first `{value}` that failed in
    /// it (a broken lesson), and the predict question.
    public struct Shown {
        public let prose: [String]
        public let brokenValue: String?
        public let question: String?
    }

    public func show(in session: Session) -> Shown {
        let prose = session.interpolate(lines: step.prose)
        return Shown(prose: prose, brokenValue: prose.first { $0.contains("{?") }, question: step.predict?.question)
    }

    /// Carries on after the first `cells` of the step's cells ran (before a restart, with the
    /// workspace back): any predict question was asked then, so it is not asked again.
    public mutating func resume(after cells: Int) {
        guard cells > 0, phase != .finished else { return }
        phase = .cells
        cellIndex = min(cells, step.cells.count)
    }

    /// The learner's guess (nil: they skipped); the cells come next.
    public mutating func takeGuess(_ text: String?) {
        guard phase == .guessing else { return }
        guess = text
        phase = .cells
    }

    /// The cell to run or pre-type next; nil while a guess is awaited or once the step's cells are taken.
    public var nextCell: String? {
        guard phase == .cells, cellIndex < step.cells.count else { return nil }
        return step.cells[cellIndex]
    }

    /// The next cell was run (or the learner ran one of their own instead).
    public mutating func cellTaken() {
        if phase == .cells, cellIndex < step.cells.count { cellIndex += 1 }
    }

    public var cellsDone: Bool { cellIndex >= step.cells.count }

    /// Why cell `index`'s output is not the lesson's expected output; nil when it is, or none is written.
    public func expectationProblem(cell index: Int, lines: [String]) -> String? {
        guard let expected = step.expectations[index], !LessonRun.matches(lines, expected) else { return nil }
        return "output differs from the expected\nexpected:\n" + expected.joined(separator: "\n") + "\ngot:\n" + lines.joined(separator: "\n")
    }

    /// What finishing says: whether the check holds (nil: the step has none) and why not, the predict
    /// answer, and the afterword with the first `{value}` that failed in it.
    public struct Ending {
        public let check: String?
        public let checkHolds: Bool?
        public let whyNot: String?
        public let answer: Result<String, CellError>?
        public let afterword: [String]
        public let brokenValue: String?
        /// Done: the check holds, or there is none.
        public var isDone: Bool { checkHolds ?? true }
    }

    /// Checks the step and reads its answer and afterword; the step is finished when its check holds.
    public mutating func finish(in session: Session) -> Ending {
        let afterword = session.interpolate(lines: step.afterword)
        let answer = step.predict.map { p in
            session.evaluate(p.answer).map { session.interpreter.format($0).joined(separator: " ") }
        }
        let holds = step.check.map { session.checkPasses($0) }
        let whyNot = holds == false ? step.check.map { session.explainFailedCheck($0) } : nil
        let ending = Ending(
            check: step.check, checkHolds: holds, whyNot: whyNot, answer: answer, afterword: afterword,
            brokenValue: afterword.first { $0.contains("{?") })
        if ending.isDone { phase = .finished }
        return ending
    }
}
