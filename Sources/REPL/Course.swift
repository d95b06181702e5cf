import Foundation

/// The five lessons of the course, in order, and which of them have a lesson file yet.
public struct Course {
    public struct Lesson {
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

    public let lessons: [Lesson]

    /// Reads the lesson folder: a lesson is available when a file `NN-*.md` exists for its number.
    public init(lessonsFolder: String) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: lessonsFolder)) ?? []
        lessons = Course.titles.enumerated().map { index, title in
            let prefix = String(format: "%02d-", index + 1)
            let file = files.sorted().first { $0.hasPrefix(prefix) && $0.hasSuffix(".md") }
            return Lesson(number: index + 1, title: title,
                          file: file.map { (lessonsFolder as NSString).appendingPathComponent($0) })
        }
    }

    /// The lesson list as lines of text.
    public func listing() -> [String] {
        lessons.map { lesson in
            let state = lesson.file == nil ? "  (not written yet)" : ""
            return "  \(lesson.number). \(lesson.title)\(state)"
        }
    }
}
