import Datasets
import Foundation
import Testing

@testable import Lessons
@testable import Notebook
@testable import Terminal
import TextPlot

/// What a new learner stumbled on in their first hour (issue 21): the quick-mode switch pre-typed at
/// the prompt, a "lesson finished" banner after every later cell, steps that invited an experiment and
/// moved on at once, digits captioned with their positions, and a plot whose x axis was not what the
/// prose spoke of.
@Suite("What a new learner stumbled on")
struct LearnerStumbleTests {
    static let lessonWithQuick = """
        # Quick

        An introduction.

        ## Train

        ```cell
        steps = quick(150, 1000)
        total = steps * quick(1, 2)
        ```

        ```check
        steps >= quick(100, 1000)
        ```

        > hint: steps should be at least quick(100, 1000).

        ## Broadcast

        Afterwards, try `x + tensor([1, 2])` yourself.

        ```cell
        x = ones(2, 3)
        ```

        ```check
        x.shape == [2, 3]
        ```

        > try: x + tensor([1, 2])

        ## Last

        ```cell
        y = x.sum()
        ```

        ```check
        y.item() == 6
        ```
        """

    static let secondLesson = """
        # Second

        ## One

        ```cell
        z = 1
        ```

        ```check
        z == 1
        ```
        """

    @Test("quick(a, b) becomes b for a learner, a in quick mode; anything else stays as written")
    func resolvingQuick() {
        #expect(LearnerText.resolvingQuick("steps = quick(150, 1000)", quickMode: false) == "steps = 1000")
        #expect(LearnerText.resolvingQuick("steps = quick(150, 1000)", quickMode: true) == "steps = 150")
        #expect(LearnerText.resolvingQuick("gan.train(steps=quick(300, 3000))", quickMode: false) == "gan.train(steps=3000)")
        #expect(LearnerText.resolvingQuick("a = quick(1, 2) + quick(f(3, 4), [5, 6])", quickMode: false) == "a = 2 + [5, 6]")
        #expect(LearnerText.resolvingQuick("a = quick(f(3, 4), [5, 6])", quickMode: true) == "a = f(3, 4)")
        #expect(LearnerText.resolvingQuick("n = quick(quick(1, 2), 3)", quickMode: true) == "n = 1")
        #expect(LearnerText.resolvingQuick("n = quick(20, 100)  # digits", quickMode: false) == "n = 100  # digits")
        // Not the builtin called with two plain arguments: left alone.
        for untouched in ["g.quick(1, 2)", "quick(1)", "quick(a=1, b=2)", "print(\"quick(1, 2)\")", "quick(1, 2", "x = 3"] {
            #expect(LearnerText.resolvingQuick(untouched, quickMode: false) == untouched)
        }
    }

    @Test("no lesson cell, check or hint shows a learner quick(…)")
    func lessonsShowNoQuick() throws {
        let course = Course(lessonsFolder: LessonFileTests.root.appendingPathComponent("lessons").path)
        var resolved = 0
        for entry in course.entries {
            let lesson = try course.lesson(entry.number).get()
            for step in lesson.steps {
                for text in step.cells + step.hints + step.experiments + [step.check].compactMap({ $0 }) {
                    let shown = LearnerText.resolvingQuick(text, quickMode: false)
                    #expect(!shown.contains("quick("), "lesson \(entry.number), \(step.title): \(shown)")
                    if shown != text { resolved += 1 }
                }
            }
        }
        #expect(resolved > 10)
    }

    @Test("the tutor pre-types the learner's value, runs it as the lesson's cell, and shows checks and hints without quick")
    func preTypedWithoutQuick() {
        let h = Harness(lesson: LearnerStumbleTests.lessonWithQuick)
        let (lines, reader) = h.run([":hint", "", ""])
        #expect(reader.prefills.prefix(3) == ["steps = 1000", "steps = 1000", "total = steps * 2"])
        #expect(lines.contains("hint 1/1: steps should be at least 1000."))
        #expect(lines.contains("✓ step 1 done"))
        #expect(h.repl.session.interpreter.variables["total"] != nil || lines.contains("── Step 2/3: Broadcast ──"))
        #expect(!lines.contains { $0.contains("quick(") })
    }

    @Test("a step that invites an experiment waits: its cell is pre-typed, and Enter at an empty prompt goes on")
    func experimentWaits() {
        let h = Harness(lesson: LearnerStumbleTests.lessonWithQuick)
        let (lines, reader) = h.run(["", "", "", "", ""])
        // Step 1's two cells, step 2's one; then the experiment, which fails on purpose; then Enter.
        #expect(reader.prefills.prefix(5) == ["steps = 1000", "total = steps * 2", "x = ones(2, 3)", "x + tensor([1, 2])", ""])
        #expect(lines.contains("✓ step 2 done"))
        #expect(lines.contains { $0.hasPrefix("try it yourself: `x + tensor([1, 2])` is pre-typed") })
        let stepTwoDone = lines.firstIndex(of: "✓ step 2 done")!
        let stepThree = lines.firstIndex(of: "── Step 3/3: Last ──")!
        // The experiment ran (its error with the shapes) before step 3 was shown.
        #expect(lines[stepTwoDone..<stepThree].contains { $0.contains("shape") })
        #expect(reader.prompts[5] == "[1.3] ganbook> ")
    }

    @Test("'lesson finished' is said once, then Enter or :next opens the next lesson")
    func finishedOnceThenNextLesson() {
        let h = Harness(lesson: LearnerStumbleTests.lessonWithQuick, secondLesson: LearnerStumbleTests.secondLesson)
        // Through lesson 1 (:next skips the experiment), two cells of the learner's own, then Enter.
        let (lines, _) = h.run(["", "", "", ":next", "", "print(1)", "w = 2", ""])
        #expect(lines.filter { $0.hasPrefix("🎉 lesson 1 finished") }.count == 1)
        #expect(lines.contains("Enter (at an empty prompt) or :next opens lesson 2: Second"))
        #expect(lines.filter { $0 == "✓ step 3 done" }.count == 1)
        #expect(lines.contains("Lesson 2: Second"))
        #expect(h.store.load().lesson == 2)
        let (more, _) = h.run([":lesson 1", ":next", ":next", ":next"])
        // Lesson 1 again, from its first step: past its last step :next ends it again, then offers lesson 2.
        #expect(more.contains { $0.hasPrefix("🎉 lesson 1 finished") })
    }

    @Test("the last lesson's end says so instead of leaving a bare prompt")
    func lastLessonEnd() {
        let h = Harness(lesson: LearnerStumbleTests.secondLesson)
        let (lines, _) = h.run(["", ""])
        #expect(lines.contains { $0.hasPrefix("🎉 lesson 1 finished") })
        #expect(lines.contains("that was the last lesson — :lessons for the list, :lesson N to go back to one"))
    }

    @Test("a '> try:' line needs a cell and a step")
    func tryLineParses() throws {
        let lesson = try Lesson.parse(LearnerStumbleTests.lessonWithQuick)
        #expect(lesson.steps[1].experiments == ["x + tensor([1, 2])"])
        #expect(throws: LessonError.self) { try Lesson.parse("# T\n\n> try: x\n\n## S\n\n```check\nTrue\n```\n") }
        #expect(throws: LessonError.self) { try Lesson.parse("# T\n\n## S\n\n```check\nTrue\n```\n\n> try:\n") }
    }
}

@Suite("Captions and axes that say what they show")
struct CaptionAndAxisTests {
    func session() -> Session { Harness.session(in: NSTemporaryDirectory()) }

    @Test("show(batch) captions the images with their labels; a bare tensor gets no numbers; positions when asked")
    func captions() {
        let s = session()
        let labelled = s.run("batch = [zeros(3, 1, 4, 4), tensor([7, 2, 9])]\nshow(batch)").lines.joined(separator: "\n")
        #expect(labelled.contains("7") && labelled.contains("2") && labelled.contains("9"))
        let bare = s.run("show(zeros(3, 1, 4, 4))").lines.joined(separator: "\n")
        #expect(!bare.contains("0") && !bare.contains("1") && !bare.contains("2"))
        let numbered = s.run("show(zeros(3, 1, 4, 4), captions=\"positions\")").lines.joined(separator: "\n")
        #expect(numbered.contains("0") && numbered.contains("1") && numbered.contains("2"))
        let fromTensor = s.run("show(zeros(3, 1, 4, 4), captions=tensor([4, 5, 6]))").lines.joined(separator: "\n")
        #expect(fromTensor.contains("4") && fromTensor.contains("5") && fromTensor.contains("6"))
        let wrong = s.run("show(zeros(3, 1, 4, 4), captions=[1, 2])")
        #expect(wrong.error?.message.contains("3 captions") == true)
    }

    @Test("plot(y, x=ws) reads the x values at the axis ends; xlabel and ylabel name the axes")
    func axes() {
        let s = session()
        let chart = s.run("ws = linspace(-1, 7, 41)\nplot((ws - 3) ** 2, x=ws, xlabel=\"w\", ylabel=\"loss\")").lines
        let bottom = chart.last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }!
        let parts = bottom.split(separator: " ").map(String.init)
        #expect(parts.first == "-1" && parts.last == "7" && parts.contains("w"), "\(bottom)")
        #expect(chart.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }?.hasPrefix("loss") == true)
        // The valley's bottom (w = 3) sits half-way across, where x says, not at point 20 of 40 by chance:
        // with uneven x the lowest dot moves.
        let uneven = s.run("plot(tensor([4.0, 1.0, 0.0, 9.0]), x=[0, 1, 2, 9])").lines
        let rows = uneven.filter { $0.contains("│") }
        let lowest = rows.last { $0.contains { ("\u{2801}"..."\u{28FF}").contains(String($0)) } }!
        let column = lowest.distance(from: lowest.startIndex, to: lowest.firstIndex { ("\u{2801}"..."\u{28FF}").contains(String($0)) }!)
        let axis = lowest.distance(from: lowest.startIndex, to: lowest.firstIndex(of: "│")!)
        #expect(column - axis < 30, "x = 2 of 0…9 is in the left quarter: \(lowest)")
        let bad = s.run("plot([1, 2, 3], x=[1, 2])")
        #expect(bad.error?.message.contains("one value per point") == true)
        // A GAN's or a coin game's history says what its x axis counts.
        let game = s.run("game = coins_game()\ngame.rounds(5)\nplot(game.history)").lines.joined(separator: "\n")
        #expect(game.contains("round"))
    }
}
