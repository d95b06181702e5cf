import CellLanguage
import Foundation
import Notebook

extension Session {
    /// Prose with every `{expression}` or `{expression:.Nf}` replaced by its value in this session.
    /// A failing expression shows as `{?expression: message}` rather than hiding the problem.
    public func interpolate(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            var expression = String(rest[rest.index(after: open)..<close])
            // A marker left by a condition that failed ({?if …}) is kept as it is.
            if expression.hasPrefix("?") {
                out += rest[open...close]
                rest = rest[rest.index(after: close)...]
                continue
            }
            var decimals: Int?
            if let colon = expression.lastIndex(of: ":"), expression[colon...].hasPrefix(":."), expression.hasSuffix("f"),
                let d = Int(expression[expression.index(colon, offsetBy: 2)..<expression.index(before: expression.endIndex)])
            {
                decimals = d
                expression = String(expression[..<colon])
            }
            switch evaluate(expression) {
            case .success(let value):
                if let decimals, let x = Session.number(value) {
                    out += String(format: "%.\(decimals)f", x)
                } else if case .string(let s) = value {
                    out += s
                } else {
                    out += interpreter.format(value).joined(separator: " ")
                }
            case .failure(let error):
                out += "{?\(expression): \(error.message)}"
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    static func number(_ v: Value) -> Double? {
        switch v {
        case .number(let x): return x
        case .tensor(let t) where t.value.count == 1: return Double(t.value.scalars[0])
        default: return nil
        }
    }

    /// Whether a check expression holds (a failure to evaluate counts as not yet).
    public func checkPasses(_ expression: String) -> Bool {
        guard case .success(let v) = evaluate(expression) else { return false }
        return (try? v.truthy(at: SourceRange(0, 0))) ?? false
    }
}

/// Runs a lesson without a terminal: every step's prose, each cell with its output, expectations and
/// checks. Used by `ganbook run` and by the lesson tests.
public struct LessonRun {
    public private(set) var lines: [String] = []
    public private(set) var failures: [String] = []
    /// The steps whose check failed (a subset of `failures`, which also holds broken cells and prose).
    public private(set) var failedChecks: [FailedCheck] = []
    /// How far the run got: false when a cell failed and the rest of the lesson did not run.
    public private(set) var ranToTheEnd = true
    /// The step at which `stop` ended the run (Ctrl-C in `ganbook run`), if it did.
    public private(set) var stoppedAtStep: Int?

    public struct FailedCheck: Equatable, Sendable {
        public let step: Int
        public let title: String
        public let claimsLearning: Bool
    }
    public var passed: Bool { failures.isEmpty }
    private let onLine: ((String) -> Void)?

    /// - Parameter stop: asked before each cell; true ends the run there (`ganbook run` at Ctrl-C).
    /// - Parameter onLine: sees each line as soon as it exists (`ganbook run` prints it then, so a long
    ///   lesson shows its progress instead of ten minutes of silence).
    public init(_ lesson: Lesson, session: Session, stop: () -> Bool = { false }, onLine: ((String) -> Void)? = nil) {
        self.onLine = onLine
        add("# " + lesson.title)
        add(lines: session.interpolate(lines: lesson.introduction))
        add(lines: lesson.readsReport(for: session))
        for (n, step) in lesson.steps.enumerated() {
            var machine = StepMachine(step, number: n + 1, asksGuess: false)
            let name = "step \(n + 1) '\(step.title)'"
            add("")
            add("## \(n + 1). \(step.title)")
            let shown = machine.show(in: session)
            add(lines: shown.prose)
            if let broken = shown.brokenValue { failures.append("\(name): a {value} in the prose failed: \(broken)") }
            if let question = shown.question { add("predict: " + question) }
            while let cell = machine.nextCell {
                if stop() {
                    stoppedAtStep = n + 1
                    failures.append("\(name): stopped by Ctrl-C")
                    ranToTheEnd = false
                    return
                }
                add(">>> " + cell)
                let result = session.run(cell)
                add(lines: result.lines)
                if result.error?.kind == .interrupted { stoppedAtStep = n + 1 }
                if let error = result.error {
                    failures.append("\(name), cell '\(cell)': \(error.kind.rawValue): \(error.message)")
                    ranToTheEnd = false
                    return
                }
                if let problem = machine.expectationProblem(cell: machine.cellIndex, lines: result.lines) {
                    failures.append("\(name), cell '\(cell)': " + problem)
                }
                machine.cellTaken()
            }
            finish(&machine, name: name, session: session)
        }
    }

    /// The afterword, the predict answer and the check, in that order, as the transcript shows them.
    private mutating func finish(_ machine: inout StepMachine, name: String, session: Session) {
        let ending = machine.finish(in: session)
        add(lines: ending.afterword)
        if let broken = ending.brokenValue { failures.append("\(name): a {value} in the prose failed: \(broken)") }
        switch ending.answer {
        case .success(let answer): add("answer: " + answer)
        case .failure(let e): failures.append("\(name): the predict answer fails: \(e.message)")
        case nil: break
        }
        guard let check = ending.check else { return }
        if ending.isDone {
            add("✓ \(check)")
        } else {
            add("✗ \(check)")
            failures.append("\(name): check failed: \(ending.whyNot ?? check)")
            failedChecks.append(FailedCheck(step: machine.number, title: machine.step.title, claimsLearning: machine.step.checkClaimsLearning))
        }
    }

    private mutating func add(_ line: String) {
        lines.append(line)
        onLine?(line)
    }

    private mutating func add(lines more: [String]) { for line in more { add(line) } }

    /// Exact match, where a line "..." in the expectation matches any number of lines.
    public static func matches(_ got: [String], _ expected: [String]) -> Bool {
        guard let first = expected.first else { return got.isEmpty }
        if first == "..." {
            let rest = Array(expected.dropFirst())
            return (0...got.count).contains { matches(Array(got.dropFirst($0)), rest) }
        }
        guard let line = got.first, line == first else { return false }
        return matches(Array(got.dropFirst()), Array(expected.dropFirst()))
    }
}

extension Lesson {
    /// `readsReport` for the files as `session` finds them (relative names in its folder).
    public func readsReport(for session: Session) -> [String] {
        readsReport { FileManager.default.fileExists(atPath: session.interpreter.resolve($0)) }
    }
}
