import Testing

@testable import GANLab
@testable import Lessons
@testable import Notebook

@Suite("Prose that follows the numbers")
struct ConditionalProseTests {
    @Test("{if}…{elif}…{else}…{end} shows the branch the session's values support")
    func branches() {
        let s = makeSession()
        _ = s.run("x = 3")
        #expect(s.interpolate(lines: ["x is {if x > 2}big{else}small{end}."]) == ["x is big."])
        #expect(s.interpolate(lines: ["x is {if x > 5}big{elif x > 2}middling ({x}){else}small{end}."]) == ["x is middling (3)."])
        #expect(s.interpolate(lines: ["x is {if x > 5}big{end}."]) == ["x is ."])
        #expect(s.interpolate(lines: ["{if x > 1}a {if x > 4}b{else}c{end} d{end}"]) == ["a c d"])
    }

    @Test("a condition may span lines; the paragraph is wrapped again after it is filled in")
    func spansLines() {
        let s = makeSession()
        _ = s.run("x = 3")
        let long = String(repeating: "word ", count: 30)
        let lines = s.interpolate(lines: ["Start {if x > 2}" + long, "more{else}nothing{end} end."])
        #expect(lines.allSatisfy { $0.count <= 79 }, "the session's display is 80 columns wide")
        #expect(lines.joined(separator: " ") == "Start " + long + "more end.")
        // A list item and its indented lines are one item, wrapped with a hanging indent.
        #expect(s.interpolate(lines: ["- one {x}", "  two", "three"]) == ["- one 3 two", "three"])
        #expect(s.interpolate(lines: ["- a", "  - b"]) == ["- a", "  - b"], "a nested item is not a continuation")
        #expect(s.interpolate(lines: ["    code  stays", "| a | `b` |"]) == ["    code  stays", "| a | `b` |"])
    }

    @Test("prose is wrapped to the display's width, lists with a hanging indent")
    func narrowScreen() {
        let s = makeSession(width: 40)
        let long = (1...30).map { "w\($0)" }.joined(separator: " ")
        let lines = s.interpolate(lines: [long, "", "- " + long])
        #expect(lines.allSatisfy { $0.count <= 39 }, "\(lines)")
        let item = lines.drop { !$0.hasPrefix("- ") }
        #expect(item.count > 1 && item.dropFirst().allSatisfy { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }, "\(lines)")
        #expect(lines.joined(separator: " ").contains("w9 w10"))
    }

    @Test("inline Markdown: terminal styles with colour, plain text without; a lone * stays")
    func inlineMarkdown() {
        let s = makeSession()
        _ = s.run("x = 3")
        let text = ["Run `gan.step()` and **look** at *it*: 2 * {x} = {2 * x}, a*b stays."]
        #expect(s.interpolate(lines: text) == ["Run gan.step() and look at it: 2 * 3 = 6, a*b stays."])
        s.interpreter.display.style = .color256
        let styled = s.interpolate(lines: text).joined()
        #expect(styled.contains("\u{1B}[36mgan.step()\u{1B}[0m"))
        #expect(styled.contains("\u{1B}[1mlook\u{1B}[0m"))
        #expect(styled.contains("\u{1B}[3mit\u{1B}[0m"))
        // Escapes take no columns: a styled paragraph breaks where its plain twin does.
        let long = Array(repeating: "**bold** `code` word", count: 12).joined(separator: " ")
        let styledLines = s.interpolate(lines: [long])
        s.interpreter.display.style = .plain
        let plainLines = s.interpolate(lines: [long])
        #expect(styledLines.map { $0.replacingOccurrences(of: "\u{1B}[1m", with: "").replacingOccurrences(of: "\u{1B}[36m", with: "").replacingOccurrences(of: "\u{1B}[0m", with: "") } == plainLines)
        #expect(plainLines.count > 1)
        // A span closes at the marker found when it opened; unclosed or crossed markers show as typed.
        #expect(InlineMarkdown.line(InlineMarkdown.glyphs("**x**y and z**"), styled: false) == "x**y and z")
        #expect(InlineMarkdown.line(InlineMarkdown.glyphs("`a `b`"), styled: false) == "a `b")
        #expect(InlineMarkdown.line(InlineMarkdown.glyphs("*a `b* c`"), styled: false) == "a `b c`")
        for odd in ["*", "**", "***", "`", "``", "* *", "***x***", "a*", "`*`*", "**`**`"] {
            let shown = InlineMarkdown.line(InlineMarkdown.glyphs(odd), styled: false)
            #expect(shown.count <= odd.count, "\(odd) → \(shown)")
        }
    }

    @Test("a condition that fails to evaluate is shown, so a lesson run fails on it")
    func failure() {
        let s = makeSession()
        let text = s.interpolate(lines: ["{if nowhere > 1}yes{else}no{end}"]).joined()
        #expect(text.contains("{?if nowhere > 1"))
        #expect(s.interpolate(lines: ["{if 1 > 0}unclosed"]).joined().contains("{?if"))
    }
}

@Suite("Readable check failures")
struct CheckReportTests {
    @Test("each false clause is named with the values of both sides")
    func clauses() {
        let s = makeSession()
        _ = s.run("a = 0.3; b = 0.5; n = 2")
        let report = s.explainFailedCheck("a < 0.5 * b and n == 2 and a > b")
        #expect(report == "a < 0.5 * b  [a = 0.3, 0.5 * b = 0.25]; a > b  [a = 0.3, b = 0.5]")
    }
}

@Suite("Coin games side by side")
struct CoinGamesTests {
    @Test("seeds come from the session seed; measurements read twice are the same numbers")
    func seedsAndMeasurements() {
        let s = makeSession(seed: 2)
        _ = s.run("games = coins_games(4, coins=8)")
        #expect(s.text("games.seeds") == "[8, 9, 10, 11]")
        _ = s.run("games.rounds(20)")
        #expect(s.text("games.rounds_played") == "20")
        let first = s.text("games.spread"), again = s.text("games.spread")
        #expect(first == again)
        #expect(s.text("len(games.gap)") == "4")
        // Game i plays exactly as a lone game with its seed.
        _ = s.run("g = coins_game(coins=8, seed=9); g.rounds(20)")
        #expect(s.text("games.games[1].fake_means") == s.text("g.fake_means"))
    }

    @Test("a collapse over 8 games: the median spread is far below the real coins'")
    func collapse() {
        let s = makeSession()
        _ = s.run("c = coins_games(8, preset='collapse'); c.rounds(300)")
        #expect(s.checkPasses("median(c.spread) < 0.5 * c.real_spread"))
        _ = s.run("calm = coins_games(8, counterfeiter_lr=0.001, treasurer_lr=0.0004); calm.rounds(300)")
        #expect(s.checkPasses("median(calm.spread) > 0.5 * calm.real_spread"))
    }

    @Test("median of lists and tensors")
    func median() {
        let s = makeSession()
        #expect(s.text("median([3, 1, 2])") == "2")
        #expect(s.text("median([4, 1, 2, 3])") == "2.5")
        #expect(s.text("median(tensor([5., 1.]))") == "3")
        #expect(s.run("median([])").error != nil)
    }
}

@Suite("Lesson format: checks that claim learning")
struct LearningCheckFormatTests {
    @Test("```check learning marks a step's check")
    func parse() throws {
        let text = "# T\n\n## One\n\n```cell\nx = 1\n```\n\n```check learning\nx == 1\n```\n\n## Two\n\n```check\nTrue\n```\n"
        let lesson = try Lesson.parse(text)
        #expect(lesson.steps[0].checkClaimsLearning)
        #expect(lesson.steps[0].check == "x == 1")
        #expect(!lesson.steps[1].checkClaimsLearning)
    }
}
