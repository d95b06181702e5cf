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
    /// Quick cells within this many seconds of the last save wait for the next save (cells that take
    /// longer, like training, are saved at once).
    static let quietSeconds = 3.0
    static let longCellSeconds = 0.5
    private var lastSave = Date.distantPast
    private var dirty = false
    /// What was last reported as not kept, so the notice is not repeated after every cell.
    private var reportedUnsaved: [String] = []
    /// Why the last save failed, reported once until a save works again.
    private var reportedFailure: String?

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
            lines.insert("your workspace is back\(when): \(names.count) variable\(names.count == 1 ? "" : "s")" + (names.isEmpty ? "" : " — \(shown)") + "; nothing was re-run (:workspace)", at: 0)
            lastSave = Date()
        }
        return (opened.cells, lines)
    }

    /// After a cell ran for `seconds`: saves when it is due. Returns a notice to show, if any.
    public func cellRan(seconds: Double, cells: [KeptCell]) -> [String] {
        dirty = true
        guard seconds >= WorkspaceKeeper.longCellSeconds || Date().timeIntervalSince(lastSave) >= WorkspaceKeeper.quietSeconds else { return [] }
        return save(cells: cells)
    }

    /// Saves now if anything changed since the last save (leaving, a lesson switch).
    public func flush(cells: [KeptCell]) -> [String] { dirty ? save(cells: cells) : [] }

    func save(cells: [KeptCell]) -> [String] {
        do throws(FileProblem) {
            let saved = try store.save(session.interpreter, cells: cells)
            (lastSave, dirty, reportedFailure) = (Date(), false, nil)
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

    /// Forgets the workspace: the session's variables, and the saved copy (never a file the learner saved).
    public func clear() {
        session.interpreter.variables = [:]
        store.clear()
        (dirty, reportedUnsaved) = (false, [])
    }
}
