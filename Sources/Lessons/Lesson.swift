/// A lesson parsed from its Markdown file (format: lessons/README.md).
public struct Lesson: Sendable, Equatable {
    public struct Predict: Sendable, Equatable {
        public let question: String
        /// An expression whose value answers the question.
        public let answer: String
    }

    public struct Step: Sendable, Equatable {
        public var title: String
        public var prose: [String] = []
        /// Prose written after the step's first cell block: shown once its cells have run, so it can
        /// quote what they computed.
        public var afterword: [String] = []
        /// One cell per line, pre-typed in turn.
        public var cells: [String] = []
        /// Expected output of the last cell of a ```cell block, by cell index.
        public var expectations: [Int: [String]] = [:]
        public var check: String?
        /// The check claims that something learned (```check learning): with learning switched off
        /// (`ganbook run --frozen`) it must fail, which the lesson tests prove.
        public var checkClaimsLearning = false
        public var hints: [String] = []
        public var predict: Predict?
        /// Cells the prose invites the learner to try once the step is done (`> try: x + tensor([1, 2])`):
        /// the tutor pre-types them and waits for Enter or `:next` instead of moving on at once. The batch
        /// runner does not run them (an experiment may end in an error on purpose).
        public var experiments: [String] = []
    }

    /// A file the lesson reads that an earlier lesson writes (`> reads: classifier.safetensors — …` in
    /// its introduction), so that a learner who skipped that lesson is told, not surprised.
    public struct Read: Sendable, Equatable {
        public let file: String
        /// Which lesson writes it and what for.
        public let note: String
    }

    public let title: String
    public let introduction: [String]
    public let steps: [Step]
    public var reads: [Read] = []

    /// Parses lesson Markdown; a malformed file gives a message naming the line.
    public static func parse(_ text: String, file: String = "lesson") throws(LessonError) -> Lesson {
        var title: String?
        var introduction: [String] = []
        var steps: [Step] = []
        var reads: [Read] = []
        let lines = text.components(separatedBy: "\n")
        var i = 0
        func fail(_ message: String) -> LessonError { LessonError("\(file):\(i + 1): \(message)") }
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix("# ") && title == nil {
                title = String(line.dropFirst(2)).trimmed
            } else if line.hasPrefix("## ") {
                steps.append(Step(title: String(line.dropFirst(3)).trimmed))
            } else if line.hasPrefix("```") {
                var kind = String(line.dropFirst(3)).trimmed
                var claimsLearning = false
                if kind == "check learning" { kind = "check"; claimsLearning = true }
                let opening = i
                var block: [String] = []
                i += 1
                while i < lines.count && !lines[i].hasPrefix("```") { block.append(lines[i]); i += 1 }
                guard i < lines.count else { i = opening; throw fail("the ```\(kind) block is not closed") }
                let closing = i
                i = opening  // errors about the block name its first line
                defer { i = closing }
                guard !steps.isEmpty || kind.isEmpty else { throw fail("a ```\(kind) block before the first step (## heading)") }
                if !kind.isEmpty || !steps.isEmpty {
                    try addBlock(kind, block, claimsLearning: claimsLearning, to: &steps[steps.count - 1], fail: fail)
                }
            } else if line.hasPrefix("> reads:") {
                guard steps.isEmpty else { throw fail("'> reads:' belongs in the introduction, before the first step") }
                let parts = String(line.dropFirst("> reads:".count)).components(separatedBy: " — ")
                let file = parts[0].trimmed
                guard !file.isEmpty else { throw fail("'> reads:' needs a file name: > reads: FILE — which lesson writes it") }
                reads.append(Read(file: file, note: parts.dropFirst().joined(separator: " — ").trimmed))
            } else if line.hasPrefix("> try:") {
                guard !steps.isEmpty else { throw fail("a '> try:' line before the first step") }
                let cell = String(line.dropFirst("> try:".count)).trimmed
                guard !cell.isEmpty else { throw fail("'> try:' needs a cell to try: > try: x + tensor([1, 2])") }
                steps[steps.count - 1].experiments.append(cell)
            } else if line.hasPrefix("> hint:") {
                guard !steps.isEmpty else { throw fail("a hint before the first step") }
                steps[steps.count - 1].hints.append(String(line.dropFirst("> hint:".count)).trimmed)
            } else if steps.isEmpty {
                if title != nil { introduction.append(line) }
            } else if steps[steps.count - 1].cells.isEmpty {
                steps[steps.count - 1].prose.append(line)
            } else {
                steps[steps.count - 1].afterword.append(line)
            }
            i += 1
        }
        return try assemble(title: title, introduction: introduction, steps: steps, reads: reads, file: file)
    }

    /// The parsed parts as a lesson: it must have a title and steps, and every step a check or a predict question.
    static func assemble(title: String?, introduction: [String], steps: [Step], reads: [Read], file: String) throws(LessonError) -> Lesson {
        guard let title else { throw LessonError("\(file): no '# Title' line") }
        guard !steps.isEmpty else { throw LessonError("\(file): no steps ('## ' headings)") }
        for s in steps where s.check == nil && s.predict == nil {
            throw LessonError("\(file): step '\(s.title)' has neither a check nor a predict question")
        }
        var lesson = Lesson(
            title: title, introduction: introduction.trimmedBlank,
            steps: steps.map {
                var s = $0
                s.prose = s.prose.trimmedBlank
                s.afterword = s.afterword.trimmedBlank
                return s
            })
        lesson.reads = reads
        return lesson
    }

    /// A fenced block of a step: cells, an expected output, a check, a predict question, or indented prose.
    static func addBlock(
        _ kind: String, _ block: [String], claimsLearning: Bool, to step: inout Step,
        fail: (String) -> LessonError
    ) throws(LessonError) {
        switch kind {
        case "cell":
            step.cells += block.filter { !$0.trimmed.isEmpty }
        case "expect":
            guard !step.cells.isEmpty else { throw fail("```expect must follow a ```cell block") }
            step.expectations[step.cells.count - 1] = block
        case "check":
            let expression = block.map(\.trimmed).filter { !$0.isEmpty }.joined(separator: " ")
            guard !expression.isEmpty else { throw fail("an empty ```check block") }
            step.check = expression
            step.checkClaimsLearning = claimsLearning
        case "predict":
            guard let answerLine = block.firstIndex(where: { $0.trimmed.hasPrefix("answer:") }) else {
                throw fail("a ```predict block needs an 'answer: <expression>' line")
            }
            let question = block[..<answerLine].map(\.trimmed).joined(separator: " ")
            step.predict = Predict(
                question: question,
                answer: String(block[answerLine].trimmed.dropFirst("answer:".count)).trimmed)
        case "":
            if step.cells.isEmpty {
                step.prose += block.map { "    " + $0 }
            } else {
                step.afterword += block.map { "    " + $0 }
            }
        default:
            throw fail("unknown block ```\(kind) (cell, expect, check, check learning, predict)")
        }
    }
}

public struct LessonError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Lesson {
    /// One line per file the lesson reads from an earlier lesson: there, or not yet and what then.
    public func readsReport(fileExists: (String) -> Bool) -> [String] {
        reads.map { read in
            let note = read.note.isEmpty ? "" : " (\(read.note))"
            return fileExists(read.file)
                ? "this lesson reads \(read.file)\(note): found"
                : "this lesson reads \(read.file)\(note): not here yet"
        }
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s.removeLast() }
        return String(s)
    }
}

extension Array where Element == String {
    /// Without blank lines at the start and the end.
    var trimmedBlank: [String] {
        var a = self[...]
        while a.first?.trimmed.isEmpty == true { a.removeFirst() }
        while a.last?.trimmed.isEmpty == true { a.removeLast() }
        return Array(a)
    }
}
