import Foundation
import Notebook

/// The five lessons of the course, in order, with their files when written.
public struct Course {
    public struct Entry {
        public let number: Int
        public let title: String
        /// `lessons/NN-name.md`, when it has been written.
        public let file: String?
    }

    public static let titles = [
        "Tensors",
        "Gradient descent",
        "Convolution",
        "The counterfeiter and the treasurer",
        "A GAN that learns to draw digits",
    ]

    public let entries: [Entry]

    /// Reads the lesson folder: a lesson is available when a file `NN-*.md` exists for its number.
    public init(lessonsFolder: String) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: lessonsFolder)) ?? []
        entries = Course.titles.enumerated().map { index, title in
            let prefix = String(format: "%02d-", index + 1)
            let file = files.sorted().first { $0.hasPrefix(prefix) && $0.hasSuffix(".md") }
            return Entry(number: index + 1, title: title, file: file.map { (lessonsFolder as NSString).appendingPathComponent($0) })
        }
    }

    /// Loads lesson `number` (1-based), or says why it can't.
    public func lesson(_ number: Int) -> Result<Lesson, LessonError> {
        guard number >= 1 && number <= entries.count else { return .failure(LessonError("there is no lesson \(number) (1…\(entries.count))")) }
        guard let file = entries[number - 1].file, let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            return .failure(LessonError("lesson \(number) (\(entries[number - 1].title)) is not written yet"))
        }
        do { return .success(try Lesson.parse(text, file: file)) } catch { return .failure(error) }
    }

    /// The lesson list, with steps done per lesson when progress is known.
    public func listing(progress: Progress? = nil) -> [String] {
        entries.map { entry in
            guard entry.file != nil else { return "  \(entry.number). \(entry.title)  (not written yet)" }
            let done = progress?.completed[entry.number]?.count ?? 0
            let total = (try? lesson(entry.number).get())?.steps.count ?? 0
            let here = progress?.lesson == entry.number ? "  ← you are here" : ""
            let mark = total > 0 && done >= total ? "✓" : " "
            return "\(mark) \(entry.number). \(entry.title)  \(done)/\(total) steps\(here)"
        }
    }
}
