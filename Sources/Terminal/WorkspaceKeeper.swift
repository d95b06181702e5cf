import Foundation
import Notebook
import TensorCore
import Workspace

/// Keeps the session's workspace on disk for the REPL: puts it back when the notebook starts, saves it
/// after cells (at once after long work, at most every few seconds after quick cells) and when the
/// learner leaves, and clears it only when they ask (`:reset`).
public final class WorkspaceKeeper {
    public let store: WorkspaceStore
    let session: Session
    /// Quick cells within this many seconds of the last save (or less, when saving is cheap) wait for
    /// the next save; cells that take longer, like training, are saved at once.
    static let quietSeconds = 3.0
    static let longCellSeconds = 0.5
    private var lastSave = Date.distantPast
    private var dirty = false
    /// What was last reported as not kept, so the notice is not repeated after every cell.
    private var reportedUnsaved: [String] = []
    /// Why the last save failed, reported once until a save works again.
    private var reportedFailure: String?
    /// The last save, for `:workspace` (how long it took, how big it was).
    public private(set) var lastSaved: WorkspaceStore.Saved?

    public init(store: WorkspaceStore, session: Session) {
        self.store = store
        self.session = session
    }

    /// Puts the saved workspace back; the lines say what came back (empty when there was none).
    public func restore() -> (cells: [KeptCell], lines: [String]) {
        let opened = store.open(into: session.interpreter)
        var lines = opened.notices
        if opened.restored {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.dateFormat = "yyyy-MM-dd HH:mm"
            let when = opened.savedAt.map { " (saved \(f.string(from: $0)))" } ?? ""
            let names = session.interpreter.variables.keys.filter { $0 != "_" }.sorted()
            let shown = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
            // A workspace without variables (a reset, then only failed cells) is not news; its cells still come back.
            if !names.isEmpty {
                lines.insert("your workspace is back\(when): \(names.count) variable\(names.count == 1 ? "" : "s")" + (names.isEmpty ? "" : " — \(shown)") + "; nothing was re-run (:workspace)", at: 0)
            }
            lastSave = Date()
        }
        return (opened.cells, lines)
    }

    /// After a cell ran for `seconds`: saves when it is due. Returns a notice to show, if any.
    public func cellRan(seconds: Double, cells: [KeptCell]) -> [String] {
        dirty = true
        // Saving costs at most a twentieth of the time between saves: a small workspace is saved after
        // every cell a person types, a big one at least every few seconds.
        let gap = min(WorkspaceKeeper.quietSeconds, 20 * (lastSaved?.seconds ?? 0))
        guard seconds >= WorkspaceKeeper.longCellSeconds || Date().timeIntervalSince(lastSave) >= gap else { return [] }
        return save(cells: cells)
    }

    /// Saves now if anything changed since the last save (leaving, a lesson switch).
    public func flush(cells: [KeptCell]) -> [String] { dirty ? save(cells: cells) : [] }

    func save(cells: [KeptCell]) -> [String] {
        do throws(FileProblem) {
            let saved = try store.save(session.interpreter, cells: cells)
            (lastSave, dirty, reportedFailure, lastSaved) = (Date(), false, nil, saved)
            guard !saved.unsaved.isEmpty, saved.unsaved != reportedUnsaved else {
                reportedUnsaved = saved.unsaved
                return []
            }
            reportedUnsaved = saved.unsaved
            return ["note: not kept in your workspace (gone after a restart): " + saved.unsaved.joined(separator: ", ")]
        } catch {
            guard reportedFailure != error.message else { return [] }
            reportedFailure = error.message
            return ["note: your workspace could not be saved (\(error.message)); your variables will not survive a restart until it can"]
        }
    }

    /// `:workspace`: the store's description and the cost of the last save.
    public func describe() -> [String] {
        var lines = store.describe()
        if let saved = lastSaved {
            let ms = String(format: "%.0f", saved.seconds * 1000)
            lines.append("  last save: \(ms) ms for \(WorkspaceStore.size(saved.bytes))")
            lines.append("  saved after every long cell, after quick ones when that costs under 5% of the time, and when you leave")
        }
        return lines
    }

    /// Forgets the workspace: the session's variables, and the saved copy (never a file the learner saved).
    public func clear() {
        session.interpreter.variables = [:]
        store.clear()
        (dirty, reportedUnsaved) = (false, [])
    }
}
