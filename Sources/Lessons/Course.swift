import Foundation
import Notebook

/// The lessons of the course, in order: every `NN-name.md` in the lessons folder, numbered by its `NN`
/// and titled by its own `# ` heading. Nothing lists the lessons by hand, so a new file
/// (`lessons/06-anything.md`) appears in `:lessons`, `ganbook lessons` and the test suite by itself.
public struct Course {
    public struct Entry {
        public let number: Int
        public let title: String
        /// `lessons/NN-name.md`.
        public let file: String?
    }

    public let entries: [Entry]

    /// Reads the lesson folder: each `NN-*.md` file is lesson NN (the first file wins if two share a number).
    public init(lessonsFolder: String) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: lessonsFolder)) ?? []).sorted()
        var byNumber: [Int: Entry] = [:]
        for name in files where name.hasSuffix(".md") {
            guard let number = Course.lessonNumber(name), byNumber[number] == nil else { continue }
            let path = (lessonsFolder as NSString).appendingPathComponent(name)
            byNumber[number] = Entry(number: number, title: Course.title(of: path) ?? Course.titleFromName(name), file: path)
        }
        entries = byNumber.keys.sorted().map { byNumber[$0]! }
    }

    /// `07-what-else.md` → 7; nil when the name does not start with two digits and a dash.
    static func lessonNumber(_ fileName: String) -> Int? {
        let digits = fileName.prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 2, fileName.dropFirst(2).hasPrefix("-"), let n = Int(digits), n >= 1 else { return nil }
        return n
    }

    /// The file's first `# ` heading.
    static func title(of path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(40) where line.hasPrefix("# ") {
            let title = line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            return title.isEmpty ? nil : title
        }
        return nil
    }

    /// `04-counterfeiter-and-treasurer.md` → "Counterfeiter and treasurer", for a file without a heading.
    static func titleFromName(_ fileName: String) -> String {
        let words = fileName.dropFirst(3).dropLast(3).replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// The entry for lesson `number`, if there is one.
    public func entry(_ number: Int) -> Entry? { entries.first { $0.number == number } }

    /// Loads lesson `number`, or says why it can't.
    public func lesson(_ number: Int) -> Result<Lesson, LessonError> {
        guard let entry = entry(number), let file = entry.file else {
            let known = entries.map { String($0.number) }.joined(separator: ", ")
            return .failure(LessonError("there is no lesson \(number)" + (known.isEmpty ? " (no lesson files found)" : " (the lessons: \(known))")))
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            return .failure(LessonError("can't read \(file)"))
        }
        do { return .success(try Lesson.parse(text, file: file)) } catch { return .failure(error) }
    }

    /// The lesson list, with steps done per lesson when progress is known.
    public func listing(progress: Progress? = nil) -> [String] {
        entries.map { entry in
            let done = progress?.completed[entry.number]?.count ?? 0
            let total = (try? lesson(entry.number).get())?.steps.count ?? 0
            let here = progress?.lesson == entry.number ? "  ← you are here" : ""
            let mark = total > 0 && done >= total ? "✓" : " "
            return "\(mark) \(entry.number). \(entry.title)  \(done)/\(total) steps\(here)"
        }
    }
}
