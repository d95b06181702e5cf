import CellLanguage
import Lessons
import Notebook

/// Guides the learner through a lesson at the prompt: shows each step, pre-types its cells, asks
/// predict questions, runs checks, gives hints, and saves progress after every step.
public final class LessonTutor {
    let course: Course
    let session: Session
    let store: ProgressStore?
    public private(set) var progress: Progress
    public private(set) var lesson: Lesson?
    /// The current step as it is walked through (the same machine `ganbook run` drives).
    public private(set) var machine: StepMachine?
    /// Which cell of the current step is pre-typed next.
    public var cellIndex: Int { machine?.cellIndex ?? 0 }
    private var hintIndex = 0
    private var awaitingGuess: Bool { machine?.phase == .guessing }

    public init(course: Course, session: Session, store: ProgressStore?) {
        self.course = course
        self.session = session
        self.store = store
        let opened = store?.open()
        self.progress = opened?.progress ?? Progress()
        self.notices = opened?.notices ?? []
    }

    /// What the learner must hear about their saved progress when the notebook starts (a damaged
    /// file moved aside, a state folder that cannot be written): one line each.
    public let notices: [String]

    public var step: Lesson.Step? {
        guard let lesson, progress.step < lesson.steps.count else { return nil }
        return lesson.steps[progress.step]
    }

    /// "[2.3] ganbook> " inside a lesson.
    public var prompt: String {
        guard lesson != nil else { return "ganbook> " }
        if awaitingGuess { return "your guess> " }
        return "[\(progress.lesson).\(progress.step + 1)] ganbook> "
    }

    /// The cell to pre-type at the prompt (empty when the step's cells are done or a guess is awaited),
    /// as the learner should read it: `steps = 1000`, not the file's `steps = quick(150, 1000)`. Once a
    /// step is done and waits, the experiment its prose invites (`> try:`) is pre-typed.
    public var prefill: String {
        if let experiment = pendingExperiment { return learnerText(experiment) }
        return machine?.nextCell.map(learnerText) ?? ""
    }

    /// Lesson text as the learner sees it: `quick(a, b)` resolved to this session's value.
    func learnerText(_ text: String) -> String {
        LearnerText.resolvingQuick(text, quickMode: session.interpreter.quickMode)
    }

    /// What the tutor waits for after a step is done, instead of moving on at once.
    public enum Waiting: Equatable, Sendable {
        /// The step invites experiments (`> try:`): Enter or `:next` goes on to the next step.
        case experiments
        /// The lesson is finished: Enter or `:next` opens lesson `next`.
        case nextLesson(Int)
    }

    /// Set while the tutor waits for Enter or `:next` (nil: it moves on by itself).
    public private(set) var waiting: Waiting?
    /// How many of the finished step's experiments the learner has run (or skipped).
    private var experimentsTried = 0

    /// The experiment pre-typed now: the finished step's next `> try:` cell.
    var pendingExperiment: String? {
        guard waiting == .experiments, let machine, experimentsTried < machine.step.experiments.count else { return nil }
        return machine.step.experiments[experimentsTried]
    }

    /// An empty line (Enter at an empty prompt): goes on when the tutor waits, else does nothing.
    public func enterPressed() -> [String] {
        waiting == nil ? [] : next()
    }

    /// Opens lesson `number` at `step` (its saved step by default) and returns what to show.
    public func open(_ number: Int, step: Int? = nil) -> [String] {
        switch course.lesson(number) {
        case .failure(let e): return [e.message]
        case .success(let l):
            lesson = l
            if progress.lesson != number { (progress.step, progress.cell) = (0, 0) }
            progress.lesson = number
            let resumes = step == nil && progress.cell > 0 && !session.interpreter.variables.isEmpty
            let cellsRun = progress.cell
            if step != nil { progress.cell = 0 }
            progress.step = min(max(step ?? progress.step, 0), l.steps.count - 1)
            save()
            var lines = ["", "Lesson \(number): \(l.title)"] + l.readsReport(for: session)
            if progress.step == 0 {
                lines += session.interpolate(lines: l.introduction)
            } else if session.interpreter.variables.isEmpty {
                // Nothing is replayed: re-running the lesson's cells would retrain its networks briefly and
                // overwrite the files they save.
                lines += ["(your variables from steps 1–\(progress.step) are not here — the workspace was cleared or never saved: :back to redo steps, or :reset lesson to start over)"]
            }
            lines += showStep()
            if resumes, var walk = machine {
                // The workspace holds what those cells made: pre-type the next one, not the first again.
                walk.resume(after: cellsRun)
                machine = walk
                progress.cell = walk.cellIndex
                let ran = walk.cellIndex == 1 ? "its first cell" : "its first \(walk.cellIndex) cells"
                lines += ["(you ran \(ran) before you left; " + (walk.cellsDone ? "run :check when you are ready)" : "the next one is pre-typed)")]
            } else {
                progress.cell = 0
            }
            save()
            return lines
        }
    }

    /// The current step's title, prose (with live values) and predict question.
    public func showStep() -> [String] {
        waiting = nil
        guard let step else {
            machine = nil
            return ["this lesson is finished — :lessons for the list"]
        }
        let walk = StepMachine(step, number: progress.step + 1, asksGuess: true)
        machine = walk
        // Shown again (:step), a step starts over at its first cell.
        if progress.cell != 0 {
            progress.cell = 0
            save()
        }
        hintIndex = 0
        let shown = walk.show(in: session)
        var lines = ["", "── Step \(walk.number)/\(lesson!.steps.count): \(step.title) ──"] + shown.prose
        if let question = shown.question { lines += ["", "predict: \(question)", "(type your guess, or just Enter to skip)"] }
        return lines
    }

    /// Whether a line typed while the predict question waits is the guess (at a terminal). On a pipe
    /// lines are only cells and commands: a guess comes only from `:answer …`.
    public var takesGuessesFromLines = true

    /// Takes one non-command input line. Returns (should it run as a cell?, lines to show first).
    public func take(_ line: String) -> (runAsCell: Bool, lines: [String]) {
        if awaitingGuess {
            guard takesGuessesFromLines else {
                machine?.takeGuess(nil)
                return (true, [])
            }
            return (false, answer(line))
        }
        return (true, [])
    }

    /// `:answer …` (or a line at the guess prompt): the learner's guess for the predict question.
    public func answer(_ guess: String) -> [String] {
        guard awaitingGuess else { return ["no question is waiting for an answer"] }
        machine?.takeGuess(guess.isEmpty ? nil : guess)
        return guess.isEmpty ? [] : ["noted: \(guess) — now run the cells and see"]
    }

    /// After a cell ran: the lesson's pending cell counts as run only when this cell was it (or an edit of
    /// it: the same names assigned, the same function called) and succeeded; a cell of the learner's own,
    /// or one that failed, leaves it pre-typed for the next prompt. When the step's cells are done, check
    /// the step and move on when it passes.
    public func afterCell(_ line: String, succeeded: Bool) -> [String] {
        if let experiment = pendingExperiment {
            // Run as pre-typed, edited or replaced, the experiment counts as tried: errors are allowed.
            if LessonTutor.sameCell(line, learnerText(experiment)) || LessonTutor.sameCell(line, experiment) { experimentsTried += 1 }
            return pendingExperiment == nil ? ["(Enter or :next for the next step)"] : []
        }
        // A finished step (or lesson) is not checked again after every later cell.
        guard var walk = machine, walk.phase == .cells else { return [] }
        if succeeded, let pending = walk.nextCell,
            LessonTutor.sameCell(line, pending) || LessonTutor.sameCell(line, learnerText(pending))
        {
            walk.cellTaken()
            machine = walk
            progress.cell = walk.cellIndex
            save()
        }
        guard walk.cellsDone else { return [] }
        return finishStepIfDone()
    }

    /// Whether `line` is the lesson cell `pending`, as typed or edited: word for word, or statement by
    /// statement the same assignments and calls (`gan.train(steps=500)` for `gan.train(steps=quick(40, 3000))`).
    static func sameCell(_ line: String, _ pending: String) -> Bool {
        if line.trimmingCharacters(in: .whitespaces) == pending.trimmingCharacters(in: .whitespaces) { return true }
        guard let a = try? Parser.parse(line), let b = try? Parser.parse(pending), !a.isEmpty else { return false }
        return a.map(outline) == b.map(outline)
    }

    /// A statement's outline: what it assigns to, or what it calls.
    static func outline(_ statement: Stmt) -> String {
        func callee(_ e: Expr) -> String {
            if case .call(let f, _, _, _) = e { return "call " + f.description }
            return "value"
        }
        switch statement {
        case .assign(let target, _, _), .augmentedAssign(let target, _, _, _): return "set " + target.description
        case .expression(let e): return callee(e)
        default: return "other"
        }
    }

    func finishStepIfDone() -> [String] {
        guard var walk = machine else { return [] }
        let ending = walk.finish(in: session)
        machine = walk
        guard ending.isDone else {
            return ["", "not done yet: the check `\(learnerText(ending.check ?? ""))` is false — :hint for a hint, or edit and run a cell again"]
        }
        var lines: [String] = []
        switch ending.answer {
        case .success(let answer): lines += ["", walk.guess.map { "you guessed \($0); the answer is \(answer)" } ?? "the answer: \(answer)"]
        case .failure(let e): lines += ["(the answer could not be computed: \(e.message))"]
        case nil: break
        }
        if !walk.step.afterword.isEmpty { lines += [""] + ending.afterword }
        progress.completed[progress.lesson, default: []].insert(progress.step)
        lines.append("✓ step \(progress.step + 1) done")
        save()
        if !walk.step.experiments.isEmpty {
            waiting = .experiments
            experimentsTried = 0
            let tries = walk.step.experiments.map { "`\(learnerText($0))`" }.joined(separator: ", then ")
            return lines + ["", "try it yourself: \(tries) is pre-typed (edit it, or type your own); Enter at an empty prompt or :next goes on"]
        }
        return lines + next()
    }

    /// The next step; at the end of a lesson, the lesson's summary and an offer of the next lesson, and
    /// once that is on offer, the next lesson itself.
    public func next() -> [String] {
        guard let lesson else { return ["no lesson open — :lessons, then :lesson N"] }
        if case .nextLesson(let number) = waiting { return open(number, step: 0) }
        guard progress.step + 1 < lesson.steps.count else {
            progress.cell = 0
            save()
            let done = progress.completed[progress.lesson]?.count ?? 0
            var lines = ["", "🎉 lesson \(progress.lesson) finished (\(done) of \(lesson.steps.count) steps done)"]
            if let nextLesson = course.entries.first(where: { $0.number > progress.lesson }) {
                waiting = .nextLesson(nextLesson.number)
                lines.append("Enter (at an empty prompt) or :next opens lesson \(nextLesson.number): \(nextLesson.title)")
            } else {
                waiting = nil
                lines.append("that was the last lesson — :lessons for the list, :lesson N to go back to one")
            }
            return lines
        }
        progress.step += 1
        progress.cell = 0
        save()
        return showStep()
    }

    public func back() -> [String] {
        guard lesson != nil, progress.step > 0 else { return ["already at the first step"] }
        progress.step -= 1
        progress.cell = 0
        save()
        return showStep()
    }

    public func hint() -> [String] {
        guard let step else { return ["no step open"] }
        guard !step.hints.isEmpty else { return ["no hints for this step — the check is: \(learnerText(step.check ?? "a predict question"))"] }
        defer { hintIndex = min(hintIndex + 1, step.hints.count - 1) }
        return ["hint \(hintIndex + 1)/\(step.hints.count): " + learnerText(step.hints[hintIndex])]
    }

    public func check() -> [String] {
        guard let step else { return ["no step open"] }
        guard let c = step.check else { return ["this step has no check: run its cells"] }
        if session.checkPasses(c) { return finishStepIfDone() }
        return ["✗ not yet: \(learnerText(c))"]
    }

    public func resetLesson() -> [String] {
        guard lesson != nil else { return ["no lesson open"] }
        progress.completed[progress.lesson] = []
        progress.step = 0
        progress.cell = 0
        save()
        return ["lesson \(progress.lesson) reset"] + showStep()
    }

    /// Forgets the progress in every lesson and opens the first one.
    public func resetAll() -> [String] {
        progress = Progress()
        save()
        guard let first = course.entries.first?.number else { return ["all progress forgotten"] }
        return ["all progress forgotten"] + open(first, step: 0)
    }

    func save() { store?.save(progress) }
}
