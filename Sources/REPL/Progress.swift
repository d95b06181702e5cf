import Foundation

/// Where the learner is and which steps they finished: saved after every step, atomically.
public struct Progress: Codable, Equatable, Sendable {
    public var lesson: Int
    public var step: Int
    /// Steps finished, per lesson number.
    public var completed: [Int: Set<Int>]

    public init(lesson: Int = 1, step: Int = 0, completed: [Int: Set<Int>] = [:]) {
        (self.lesson, self.step, self.completed) = (lesson, step, completed)
    }
}

/// Reads and writes `progress.json` in the state folder (temp file + rename: a crash or kill
/// leaves the old file or the new one, never half of one).
public struct ProgressStore {
    public let path: String
    public init(path: String) { self.path = path }

    /// The saved progress; a fresh start when there is none or it is unreadable.
    public func load() -> Progress {
        guard let data = FileManager.default.contents(atPath: path),
              let progress = try? JSONDecoder().decode(Progress.self, from: data) else { return Progress() }
        return progress
    }

    public func save(_ progress: Progress) {
        guard let data = try? JSONEncoder().encode(progress) else { return }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temp, contents: data) else { return }
        if rename(temp, path) != 0 { unlink(temp) }
    }
}
