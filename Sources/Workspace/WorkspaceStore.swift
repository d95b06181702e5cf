import Foundation
import NN
import Notebook
import TensorCore

/// The learner's workspace on disk (`$XDG_STATE_HOME/ganbook/workspace/`): every variable of the
/// session — numbers, lists, tensors with their gradients, networks, optimizers with their state,
/// GANs with their random streams, history and frames, coin games, datasets by name — and the cells
/// they ran, so that quitting, a crash or a restart brings back exactly what they had. Nothing is replayed.
///
/// Two files: `tensors-<stamp>.safetensors` (every tensor) and `manifest.json` (the rest, naming the
/// tensors file). A save writes a new tensors file, then the manifest (each atomically), then removes
/// the old tensors file: a `kill -9` at any moment leaves a manifest and the tensors file it names.
/// A workspace that cannot be read is moved aside (`workspace.bad-<time>`) with a notice, never discarded.
public struct WorkspaceStore {
    public let folder: String
    public init(folder: String) { self.folder = folder }

    /// How many of the learner's cells are kept (with their output, up to `keptOutputLines` lines each).
    public static let keptCells = 500
    public static let keptOutputLines = 40

    var manifestPath: String { (folder as NSString).appendingPathComponent("manifest.json") }

    /// What one save wrote.
    public struct Saved {
        public let variables: Int
        public let bytes: Int
        public let seconds: Double
        /// Variables that could not be kept, with why.
        public let unsaved: [String]
    }

    /// Saves the session's variables and the kept cells. Throws why it could not.
    @discardableResult
    public func save(_ interpreter: Interpreter, cells: [KeptCell]) throws(FileProblem) -> Saved {
        let start = DispatchTime.now().uptimeNanoseconds
        let capture = Capture()
        let variables = capture.capture(interpreter.variables)
        let stamp = "\(UInt64(Date().timeIntervalSince1970 * 1e6))-\(getpid())"
        let tensorsFile = "tensors-\(stamp).safetensors"
        let kept = cells.suffix(WorkspaceStore.keptCells).map { KeptCell(cell: $0.cell, output: Array($0.output.prefix(WorkspaceStore.keptOutputLines))) }
        let manifest = Manifest(
            savedAt: Date().timeIntervalSince1970, tensorsFile: tensorsFile, seed: interpreter.seed, generator: interpreter.generator,
            variables: variables, tensors: capture.tensorEntries, trees: capture.trees, optimizers: capture.optimizers, objects: capture.objects,
            cells: Array(kept), unsaved: capture.unsaved)
        let json: Data
        do { json = try WorkspaceStore.encoder.encode(manifest) } catch { throw FileProblem("the workspace could not be encoded: \(error)") }
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw FileProblem("can't create the workspace folder \(folder)")
        }
        let bytes = SafeTensors.encode(capture.tensors, metadata: ["ganbook": "workspace"])
        try AtomicFile.write(bytes, to: (folder as NSString).appendingPathComponent(tensorsFile))
        try AtomicFile.write([UInt8](json), to: manifestPath)
        removeTensorFiles(except: tensorsFile)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Saved(variables: variables.count, bytes: bytes.count + json.count, seconds: seconds, unsaved: capture.unsaved)
    }

    /// What `open` found.
    public struct Opened {
        /// Whether a workspace was put back.
        public var restored = false
        public var variables = 0
        public var savedAt: Date?
        public var cells: [KeptCell] = []
        /// Lines for the learner: what came back, what did not, a damaged workspace moved aside.
        public var notices: [String] = []
    }

    /// Puts the saved workspace into `interpreter` (its variables replaced, its random stream where it
    /// was). A damaged one changes nothing and is moved aside, with a notice.
    public func open(into interpreter: Interpreter) -> Opened {
        var opened = Opened()
        guard RegularFile.exists(manifestPath) else {
            removeTensorFiles(except: nil)  // a first save killed before its manifest was written
            return opened
        }
        do throws(WorkspaceDamage) {
            let (manifest, tensors) = try read()
            let restore = Restore(manifest, tensors: tensors, into: interpreter)
            let values = try restore.run()
            interpreter.variables = values
            interpreter.restoreRandom(seed: manifest.seed, generator: manifest.generator)
            opened.restored = true
            opened.variables = values.count
            opened.savedAt = Date(timeIntervalSince1970: manifest.savedAt)
            opened.cells = manifest.cells
            opened.notices = restore.notices
            if !manifest.unsaved.isEmpty { opened.notices.append("not kept when it was saved: " + manifest.unsaved.joined(separator: ", ")) }
            removeTensorFiles(except: manifest.tensorsFile)
        } catch {
            opened.notices.append(moveAside(because: error.message))
        }
        return opened
    }

    /// The manifest and its tensors, checked to belong together.
    func read() throws(WorkspaceDamage) -> (Manifest, [(name: String, tensor: Tensor)]) {
        let json: [UInt8]
        do throws(FileProblem) { json = try RegularFile.read(manifestPath, maximumBytes: 256 << 20) } catch { throw WorkspaceDamage(error.message) }
        let manifest: Manifest
        do { manifest = try WorkspaceStore.decoder.decode(Manifest.self, from: Data(json)) } catch {
            throw WorkspaceDamage("manifest.json is not a workspace as ganbook writes it")
        }
        guard manifest.format == Manifest.currentFormat else { throw WorkspaceDamage("manifest.json has format \(manifest.format), this ganbook reads \(Manifest.currentFormat)") }
        guard manifest.tensorsFile.hasPrefix("tensors-"), !manifest.tensorsFile.contains("/") else { throw WorkspaceDamage("manifest.json names the tensors file '\(manifest.tensorsFile)'") }
        guard manifest.generator.isUsable else { throw WorkspaceDamage("the session's random stream is all zeros") }
        let loaded: [(name: String, tensor: Tensor)]
        do { loaded = try SafeTensors.load((folder as NSString).appendingPathComponent(manifest.tensorsFile)).tensors } catch {
            throw WorkspaceDamage(error.message.replacingOccurrences(of: folder + "/", with: ""))
        }
        return (manifest, loaded)
    }

    /// Moves the workspace folder to `workspace.bad-<time>` and says so.
    func moveAside(because reason: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyyMMdd-HHmmss"
        var target = folder + ".bad-" + f.string(from: Date())
        var n = 2
        while FileManager.default.fileExists(atPath: target) { target = folder + ".bad-" + f.string(from: Date()) + "-\(n)"; n += 1 }
        if rename(folder, target) == 0 {
            return "note: your saved workspace could not be used (\(reason)); moved it to \(target) and started with an empty one"
        }
        return "note: your saved workspace could not be used (\(reason)) nor moved aside (\(String(cString: strerror(errno)))); started with an empty one"
    }

    /// Deletes the workspace (`:reset`): the variables and kept cells, never a file the learner saved.
    public func clear() {
        try? FileManager.default.removeItem(atPath: manifestPath)
        removeTensorFiles(except: nil)
    }

    /// `:workspace`: where it is, how big, what it holds.
    public func describe() -> [String] {
        guard let (manifest, _) = try? read() else {
            return RegularFile.exists(manifestPath) ? ["the workspace in \(folder) cannot be read"] : ["no workspace saved yet (\(folder))"]
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let bytes = files.reduce(0) { total, name in
            total + ((try? FileManager.default.attributesOfItem(atPath: (folder as NSString).appendingPathComponent(name))[.size] as? Int) ?? 0)
        }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        // `_` (the last result) is kept too, but it is not one of the learner's names.
        let names = manifest.variables.map(\.name).filter { $0 != "_" }
        var lines = [
            "workspace: \(folder)", "  \(Self.size(bytes)), saved \(f.string(from: Date(timeIntervalSince1970: manifest.savedAt)))",
            "  \(names.count) variable\(names.count == 1 ? "" : "s"): " + names.joined(separator: ", "),
            "  \(manifest.cells.count) of your cells kept (:cells to see them, :export to write them)",
        ]
        if !manifest.unsaved.isEmpty { lines.append("  not kept: " + manifest.unsaved.joined(separator: ", ")) }
        return lines
    }

    public static func size(_ bytes: Int) -> String {
        bytes < 1 << 20 ? String(format: "%.1f KB", Double(bytes) / 1024) : String(format: "%.1f MB", Double(bytes) / Double(1 << 20))
    }

    private func removeTensorFiles(except keep: String?) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in files where name.hasPrefix("tensors-") && name.hasSuffix(".safetensors") && name != keep {
            unlink((folder as NSString).appendingPathComponent(name))
        }
    }

    /// Numbers exactly (Doubles round-trip through JSON), non-finite ones by name.
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}
