import Foundation
import TensorCore

/// Where the learner is and which steps they finished: saved after every step, atomically.
public struct Progress: Codable, Equatable, Sendable {
    public var lesson: Int
    public var step: Int
    /// Steps finished, per lesson number.
    public var completed: [Int: Set<Int>]
    /// How many of the current step's cells have run: with the workspace back, a restart pre-types the
    /// next one, not the step's first (which might be `gan = GAN(…)`, replacing a trained GAN).
    public var cell: Int

    public init(lesson: Int = 1, step: Int = 0, completed: [Int: Set<Int>] = [:], cell: Int = 0) {
        (self.lesson, self.step, self.completed, self.cell) = (lesson, step, completed, cell)
    }

    enum CodingKeys: String, CodingKey { case lesson, step, completed, cell }

    /// Progress files from before `cell` was kept read as "at the step's first cell".
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lesson = try c.decode(Int.self, forKey: .lesson)
        step = try c.decode(Int.self, forKey: .step)
        completed = try c.decode([Int: Set<Int>].self, forKey: .completed)
        cell = try c.decodeIfPresent(Int.self, forKey: .cell) ?? 0
    }

    /// Lesson numbers and steps a real progress file can hold; anything else is a damaged file (a
    /// `"lesson": -9223372036854775808` once crashed every start).
    static let lessons = 1...10_000, steps = 0...100_000

    /// What is wrong with progress read from a file (nil: nothing).
    var problem: String? {
        if !Progress.lessons.contains(lesson) { return "'lesson' is \(lesson), not a lesson number" }
        if !Progress.steps.contains(step) { return "'step' is \(step), not a step number" }
        if !Progress.steps.contains(cell) { return "'cell' is \(cell), not a cell number" }
        for (l, done) in completed {
            if !Progress.lessons.contains(l) { return "'completed' names lesson \(l)" }
            if let s = done.first(where: { !Progress.steps.contains($0) }) { return "'completed' names step \(s) of lesson \(l)" }
        }
        return nil
    }
}

/// Reads and writes `progress.json` in the state folder (temp file + rename: a crash or kill
/// leaves the old file or the new one, never half of one).
///
/// A file that cannot be used is never silently replaced by fresh progress: `open()` moves it aside
/// to `progress.json.bad-<time>` and says so in one line, and a folder it cannot write to is reported
/// once, when the notebook starts.
public struct ProgressStore {
    public let path: String
    public init(path: String) { self.path = path }

    /// Largest progress file read: real ones are a few hundred bytes.
    static let maximumBytes = 1 << 20

    /// The saved progress, or a fresh start when there is none or it cannot be used (nothing is moved:
    /// for `ganbook lessons`, which only looks).
    public func load() -> Progress {
        (try? read()) ?? Progress()
    }

    /// The saved progress and the lines to tell the learner about it (empty when all is well): a bad
    /// file moved aside, a folder that cannot be written.
    public func open() -> (progress: Progress, notices: [String]) {
        var notices: [String] = []
        var progress = Progress()
        do throws(FileProblem) {
            progress = try read() ?? Progress()
        } catch {
            notices.append(moveAside(because: error.message))
        }
        if let problem = folderProblem() { notices.append(problem) }
        return (progress, notices)
    }

    /// The progress in the file, nil when there is no file; throws why a file that is there cannot be used.
    func read() throws(FileProblem) -> Progress? {
        guard RegularFile.exists(path) else { return nil }
        let bytes = try RegularFile.read(path, maximumBytes: ProgressStore.maximumBytes)
        let progress: Progress
        do { progress = try JSONDecoder().decode(Progress.self, from: Data(bytes)) } catch {
            throw FileProblem("it is not progress as ganbook writes it (\(ProgressStore.describe(error)))")
        }
        if let problem = progress.problem { throw FileProblem(problem) }
        return progress
    }

    /// Moves the unusable file to `progress.json.bad-<time>`; the line says what happened either way.
    func moveAside(because reason: String) -> String {
        let stamp = ProgressStore.timestamp()
        var target = path + ".bad-" + stamp
        var n = 2
        while RegularFile.exists(target) { target = path + ".bad-" + stamp + "-\(n)"; n += 1 }
        let file = (path as NSString).lastPathComponent
        if rename(path, target) == 0 {
            return "note: \(path) could not be used (\(reason.replacingOccurrences(of: path + " ", with: ""))); moved it to \((target as NSString).lastPathComponent) and started fresh"
        }
        return "note: \(path) could not be used (\(reason)) nor moved aside (\(String(cString: strerror(errno)))); started fresh — move or delete \(file) to keep new progress"
    }

    /// One line when the state folder cannot be created or written (progress and history would be lost).
    func folderProblem() -> String? {
        let folder = (path as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            return "note: can't create the state folder \(folder) — progress will not be saved this session (set XDG_STATE_HOME to a folder you can write)"
        }
        if access(folder, W_OK) != 0 {
            return "note: the state folder \(folder) is not writable (\(String(cString: strerror(errno)))) — progress will not be saved this session (set XDG_STATE_HOME to a folder you can write)"
        }
        return nil
    }

    /// Saves atomically. Returns why it could not (nil: saved); a folder that cannot be written is
    /// reported once at start by `open()`, so callers may ignore this.
    @discardableResult
    public func save(_ progress: Progress) -> String? {
        guard let data = try? JSONEncoder().encode(progress) else { return "progress could not be encoded" }
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        do throws(FileProblem) { try AtomicFile.write([UInt8](data), to: path) } catch { return error.message }
        return nil
    }

    static func timestamp() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return f.string(from: Date())
    }

    /// A decoding error in a few words: which field, what was wrong.
    static func describe(_ error: Error) -> String {
        guard let e = error as? DecodingError else { return "not JSON" }
        func at(_ path: [CodingKey]) -> String { path.isEmpty ? "" : " at '\(path.map(\.stringValue).joined(separator: "."))'" }
        switch e {
        case .typeMismatch(_, let c): return "wrong type\(at(c.codingPath))"
        case .valueNotFound(_, let c): return "missing value\(at(c.codingPath))"
        case .keyNotFound(let k, _): return "no '\(k.stringValue)'"
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not JSON" : "bad value\(at(c.codingPath))"
        @unknown default: return "not readable"
        }
    }
}
