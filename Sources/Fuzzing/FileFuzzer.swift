import Datasets
import Foundation
import NN
import Notebook
import TensorCore

/// Feeds the notebook damaged files, to prove that nothing a learner loads crashes or hangs it.
///
/// It starts from valid files made on the spot in a temporary folder (a GAN checkpoint written by
/// `gan.save`, a model written by `save_model`, small IDX images and labels), mutates their bytes the
/// way real damage and hostile hands do (flipped bits, cut or extended files, header numbers at their
/// edges, metadata set to 0, -1, 2^31, 2^63-1, nan or inf, tensors swapped, duplicated or retyped,
/// shapes and offsets changed, weights made non-finite), and loads each through the path the notebook
/// uses: `load_gan` then one `g.step()` and its plots if it loaded; `load_model` then a forward pass;
/// the data folder's loader then one GAN step on the data if it loaded. Every case either loads or
/// is refused with a message; a crash ends the process, and a case that runs past `timeLimit` is
/// reported as a hang by a watchdog, which ends the process too.
public struct FileFuzzer {
    public enum Target: String, CaseIterable, Sendable {
        case checkpoints, idx
    }

    /// What a run did.
    public struct Tally: Sendable, Equatable {
        public var loaded = 0
        public var refused = 0
        /// Kinds of file in checkpoint mode: GAN checkpoints and model checkpoints.
        public var gan = 0, model = 0
        /// The slowest case, in seconds.
        public var slowest = 0.0
        public init() {}
    }

    /// Cases slower than this are a hang: the watchdog names the case and exits with status 3.
    public var timeLimit: Double = 30

    var generator: SeededGenerator
    let folder: String
    let session: Session
    /// One in this many checkpoint cases is a GAN checkpoint (13 MB, a full restore and step); the
    /// others are a small model's (milliseconds each), so a run of 100,000 stays within minutes.
    public var ganEvery = 10

    public init(seed: UInt64, folder: String) {
        generator = SeededGenerator(seed: seed)
        self.folder = folder
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        session = Session(seed: seed, dataDirectory: DataDirectory(root: folder + "/data"))
        session.interpreter.variables["data"] = .dataset(FileFuzzer.syntheticDigits())
    }

    /// 64 random 28×28 "digits" with labels 0–9: enough for batches of 16, and no data folder needed.
    static func syntheticDigits() -> ImageDataset {
        var g = SeededGenerator(seed: 7)
        func split(_ n: Int) -> LabeledImages {
            LabeledImages(
                name: "synthetic", rows: 28, cols: 28, pixels: (0..<(n * 784)).map { _ in UInt8(truncatingIfNeeded: g.next()) },
                labels: (0..<n).map { UInt8($0 % 10) })
        }
        return ImageDataset(name: .mnist, train: split(64), test: split(16), source: "synthetic")
    }

    // MARK: Running

    /// Runs `count` cases against `target`; `report` is called every `every` cases with the tally so far.
    public mutating func run(_ target: Target, count: Int, every: Int = 0, report: (Int, Tally) -> Void = { _, _ in }) throws -> Tally {
        let watchdog = Watchdog(limit: timeLimit)
        var tally = Tally()
        switch target {
        case .checkpoints:
            let gan = try baseCheckpoint(cell: "g0 = GAN(arch=\"mlp\", batch=16, data=data); g0.step(); g0.save(\"%@\")", name: "gan.safetensors")
            let model = try baseCheckpoint(
                cell: "net = Sequential(Conv2d(1, 2, 3), BatchNorm2d(2), ReLU(), Flatten(), Linear(1352, 3)); "
                    + "net(randn(2, 1, 28, 28)); save_model(net, \"%@\")", name: "model.safetensors")
            for i in 0..<count {
                let isGAN = i % ganEvery == 0
                let path = folder + (isGAN ? "/case-gan.safetensors" : "/case-model.safetensors")
                let bytes = mutateCheckpoint(isGAN ? gan : model)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let cells =
                    isGAN
                    ? ["g = load_gan(\"\(path)\", data=data)", "g.step()", "plot(g.history)", "g.stats()"]
                    : ["load_model(net, \"\(path)\")", "net(randn(2, 1, 28, 28))"]
                let seconds = watchdog.time(case: i, what: "\(target.rawValue) case \(i) (\(isGAN ? "GAN" : "model"))") { runCells(cells) }
                tally.slowest = max(tally.slowest, seconds.seconds)
                if seconds.loaded { tally.loaded += 1 } else { tally.refused += 1 }
                if isGAN { tally.gan += 1 } else { tally.model += 1 }
                if every > 0 && (i + 1) % every == 0 { report(i + 1, tally) }
            }
        case .idx:
            let images = IDXArray(dims: [32, 28, 28], bytes: (0..<(32 * 784)).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            let labels = IDXArray(dims: [32], bytes: (0..<32).map { UInt8($0 % 10) })
            let mnist = folder + "/data/mnist"
            try FileManager.default.createDirectory(atPath: mnist, withIntermediateDirectories: true)
            try Data("fuzzer digits\n".utf8).write(to: URL(fileURLWithPath: mnist + "/SOURCE"))
            for i in 0..<count {
                // Mutate one of the four files; the others stay valid.
                let which = Int(generator.next() % 4)
                for (k, name) in DataDirectory.fileNames.enumerated() {
                    let base = k % 2 == 0 ? images.encoded() : labels.encoded()
                    let bytes = k == which ? mutateIDX(base) : FileFuzzer.gzip(base)
                    try Data(bytes).write(to: URL(fileURLWithPath: mnist + "/" + name))
                }
                let seconds = watchdog.time(case: i, what: "idx case \(i) (\(DataDirectory.fileNames[which]))") {
                    runCells(["g = GAN(arch=\"mlp\", batch=16, data=d)", "g.step()"], freshData: true)
                }
                tally.slowest = max(tally.slowest, seconds.seconds)
                if seconds.loaded { tally.loaded += 1 } else { tally.refused += 1 }
                if every > 0 && (i + 1) % every == 0 { report(i + 1, tally) }
            }
        }
        watchdog.stop()
        return tally
    }

    /// Runs cells until one fails; true when all ran (the file loaded and was used).
    func runCells(_ cells: [String], freshData: Bool = false) -> Bool {
        if freshData {
            // The notebook's own loader, uncached: what `mnist()` does in a new session.
            do {
                let directory = DataDirectory(root: folder + "/data")
                let value = ImageDataset(
                    name: .mnist, train: try directory.load(.mnist, .train), test: try directory.load(.mnist, .test),
                    source: "fuzz")
                session.interpreter.variables["d"] = .dataset(value)
            } catch {
                _ = error.description  // refused with a message
                return false
            }
        }
        return cells.allSatisfy { session.run($0).succeeded }
    }

    /// The bytes of a valid file made by running `cell` (with `%@` replaced by the path).
    func baseCheckpoint(cell: String, name: String) throws -> [UInt8] {
        let path = folder + "/" + name
        let result = session.run(cell.replacingOccurrences(of: "%@", with: path))
        if let e = result.error { throw CheckpointError("could not make the base file \(name): \(e.message)") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    // MARK: Mutations

    mutating func random(_ n: Int) -> Int { n <= 0 ? 0 : Int(generator.next() % UInt64(n)) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[random(xs.count)] }

    /// Numbers at the edges, as metadata strings.
    static let edgeStrings = [
        "0", "-1", "1", "2", "4501", "2147483647", "2147483648", "4294967296", "9223372036854775807",
        "-9223372036854775808", "18446744073709551615", "1e9", "1e300", "1e400", "-1e300", "nan", "NaN", "inf",
        "-inf", "Infinity", "0.5", "1.5", "-0", "1e-320", "", " ", "abc", "[]", "{}", "null", "true",
        "0x10", "٣", "1_000",
    ]
    /// Numbers at the edges, as JSON numbers for shapes, offsets and random states.
    nonisolated(unsafe) static let edgeNumbers: [Any] = [
        0, -1, 1, 2, 3, 7, 8, 1 << 31, (1 << 31) - 1, 1 << 32, 1 << 53, Int.max, Int.min, UInt64.max,
        1.5, -0.0, 1e300, -1e300, Double.leastNonzeroMagnitude, "1", "x", NSNull(), [1], ["a": 1],
    ]

    /// One or a few random mutations of a safetensors file.
    mutating func mutateCheckpoint(_ base: [UInt8]) -> [UInt8] {
        var bytes = base
        for _ in 0..<(1 + random(3)) { bytes = mutateCheckpointOnce(bytes) }
        return bytes
    }

    mutating func mutateCheckpointOnce(_ bytes: [UInt8]) -> [UInt8] {
        guard let (header, data) = FileFuzzer.split(bytes) else { return mutateBytes(bytes, headerSize: bytes.count) }
        switch random(10) {
        case 0, 1:
            return mutateBytes(bytes, headerSize: 8 + Int(FileFuzzer.headerLength(bytes)))
        case 2:
            // The header length at an edge.
            var out = bytes
            let n: UInt64 = pick([
                0, 1, 2, 7, 8, UInt64(bytes.count), UInt64(bytes.count - 8), UInt64(bytes.count - 7),
                1 << 31, 100 << 20, (100 << 20) + 1, UInt64(Int64.max), UInt64.max,
                FileFuzzer.headerLength(bytes) &+ 1, FileFuzzer.headerLength(bytes) &- 1,
            ])
            for k in 0..<8 { out[k] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(k))) }
            return out
        case 3, 4:
            return mutateMetadata(header, data)
        case 5, 6:
            return mutateTensorEntry(header, data, bytes)
        case 7:
            // A weight becomes NaN, ±inf, huge or tiny.
            var out = bytes
            let start = 8 + Int(FileFuzzer.headerLength(bytes))
            guard out.count - start >= 4 else { return out }
            let at = start + random((out.count - start) / 4) * 4
            let v: Float = pick([.nan, .infinity, -.infinity, 3e38, -3e38, 1e30, .leastNonzeroMagnitude, -0.0, .signalingNaN])
            withUnsafeBytes(of: v.bitPattern.littleEndian) { for k in 0..<4 { out[at + k] = $0[k] } }
            return out
        case 8:
            // The file cut short or extended.
            var out = bytes
            if random(2) == 0 { out.removeLast(random(out.count) + 1) } else { out += (0..<(1 + random(64))).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
            return out
        default:
            return mutateBytes(bytes, headerSize: bytes.count)
        }
    }

    /// One metadata field set to an edge value, removed, or its JSON text damaged.
    mutating func mutateMetadata(_ header: [String: Any], _ data: [UInt8]) -> [UInt8] {
        var h = header
        var meta = h["__metadata__"] as? [String: Any] ?? [:]
        let key = meta.keys.isEmpty ? "batch" : pick(meta.keys.sorted())
        switch random(4) {
        case 0: meta[key] = pick(FileFuzzer.edgeStrings)
        case 1: meta.removeValue(forKey: key)
        case 2: meta[key] = mutateJSONText(meta[key] as? String ?? "")
        default: meta[key] = pick(FileFuzzer.edgeNumbers.filter { $0 is Int || $0 is String })
        }
        h["__metadata__"] = meta
        return FileFuzzer.join(h, data)
    }

    /// One tensor's header entry damaged: its dtype, shape or offsets, swapped, duplicated or removed.
    mutating func mutateTensorEntry(_ header: [String: Any], _ data: [UInt8], _ bytes: [UInt8]) -> [UInt8] {
        var h = header
        let names = h.keys.filter { $0 != "__metadata__" }.sorted()
        guard !names.isEmpty else { return bytes }
        let name = pick(names)
        var entry = h[name] as? [String: Any] ?? [:]
        switch random(8) {
        case 0: entry["dtype"] = pick(["F32", "F64", "F16", "BF16", "I64", "I32", "U8", "F8_E4M3", "", "f32", "BOOL"])
        case 1:
            var shape = entry["shape"] as? [Any] ?? []
            if shape.isEmpty || random(3) == 0 { shape.append(pick(FileFuzzer.edgeNumbers)) } else { shape[random(shape.count)] = pick(FileFuzzer.edgeNumbers) }
            entry["shape"] = shape
        case 2:
            var offsets = entry["data_offsets"] as? [Any] ?? [0, 0]
            if offsets.isEmpty { offsets = [0] }
            offsets[random(offsets.count)] = pick(FileFuzzer.edgeNumbers + [data.count, data.count + 1, data.count - 4])
            entry["data_offsets"] = offsets
        case 3:
            // Two tensors swap places (same bytes, other names).
            let other = pick(names)
            h[name] = h[other]; h[other] = entry
            return FileFuzzer.join(h, data)
        case 4:
            // A tensor appears twice, or under another name.
            h[pick(names) + (random(2) == 0 ? "" : "x")] = entry
            return FileFuzzer.join(h, data)
        case 5: h.removeValue(forKey: name); return FileFuzzer.join(h, data)
        case 6: entry["shape"] = (entry["shape"] as? [Any] ?? []).reversed() as [Any]
        default: entry = [:]
        }
        h[name] = entry
        return FileFuzzer.join(h, data)
    }

    /// Bits flipped, bytes set, inserted or deleted (in the first `headerSize` bytes, or anywhere).
    mutating func mutateBytes(_ bytes: [UInt8], headerSize: Int) -> [UInt8] {
        var out = bytes
        guard !out.isEmpty else { return [UInt8(truncatingIfNeeded: generator.next())] }
        let limit = max(1, min(headerSize, out.count))
        for _ in 0..<(1 + random(8)) {
            let at = random(limit)
            guard at < out.count else { continue }
            switch random(4) {
            case 0: out[at] ^= 1 << UInt8(random(8))
            case 1: out[at] = pick([0, 0xff, 0x7f, 0x80, UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "9")])
            case 2: out.insert(UInt8(truncatingIfNeeded: generator.next()), at: at)
            default: out.remove(at: at)
            }
        }
        return out
    }

    /// A JSON text (a random state or a sampler) with one number or character changed.
    mutating func mutateJSONText(_ text: String) -> String {
        var chars = Array(text)
        guard !chars.isEmpty else { return pick(FileFuzzer.edgeStrings) }
        if random(2) == 0 {
            // Replace one run of digits with an edge number.
            let digitStarts = chars.indices.filter { chars[$0].isNumber && ($0 == 0 || !chars[$0 - 1].isNumber) }
            if let start = digitStarts.isEmpty ? nil : pick(digitStarts) {
                var end = start
                while end < chars.count && chars[end].isNumber { end += 1 }
                chars.replaceSubrange(
                    start..<end,
                    with: Array(
                        pick([
                            "0", "-1", "1", "4294967296", "9223372036854775807", "18446744073709551615",
                            "1e300", "1.5", "NaN", "-0", "99999999999999999999999",
                        ])))
                return String(chars)
            }
        }
        if random(3) == 0 { return "{\"state\":[0,0,0,0]}" }
        let at = random(chars.count)
        switch random(3) {
        case 0: chars.remove(at: at)
        case 1: chars.insert(pick(["[", "]", ",", "0", "\"", "-", "e"]), at: at)
        default: chars[at] = pick(["0", "9", "-", "]", "}"])
        }
        return String(chars)
    }

    /// IDX bytes mutated (header numbers at edges, bits, length), then gzip-compressed or not, and
    /// sometimes the gzip stream itself damaged.
    mutating func mutateIDX(_ base: [UInt8]) -> [UInt8] {
        var bytes = base
        switch random(6) {
        case 0, 1:
            // One header word at an edge: magic, a count, rows or columns.
            let words = (base.count >= 8 ? (bytes[3] == 3 ? 4 : 2) : 1)
            let word = random(words)
            let v: UInt32 = pick([0, 1, 2, 27, 29, 31, 32, 33, 56, 784, 2049, 2051, 0x0803, 0x0D03, 1 << 24, 1 << 26, (1 << 26) + 1, 1 << 31, UInt32.max])
            for k in 0..<4 where 4 * word + k < bytes.count { bytes[4 * word + k] = UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32(k))) }
        case 2:
            bytes = mutateBytes(bytes, headerSize: 16)
        case 3:
            if random(2) == 0 { bytes.removeLast(random(bytes.count) + 1) } else { bytes += [UInt8](repeating: UInt8(random(256)), count: 1 + random(5000)) }
        case 4:
            bytes = mutateBytes(bytes, headerSize: bytes.count)
        default:
            // A small "gzip bomb": far more data than the header declares, all zeros.
            bytes += [UInt8](repeating: 0, count: 1 << (16 + random(6)))
        }
        if random(4) == 0 { return bytes }  // a plain IDX file (zlib reads those too)
        var gz = FileFuzzer.gzip(bytes)
        if random(4) == 0 { gz = mutateBytes(gz, headerSize: gz.count) }
        return gz
    }

    // MARK: safetensors layout

    static func headerLength(_ bytes: [UInt8]) -> UInt64 {
        bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// The header as JSON and the data bytes, when the file still has that shape.
    static func split(_ bytes: [UInt8]) -> ([String: Any], [UInt8])? {
        guard bytes.count >= 8 else { return nil }
        let n = headerLength(bytes)
        guard n <= UInt64(bytes.count - 8) else { return nil }
        let end = 8 + Int(n)
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes[8..<end])) as? [String: Any] else { return nil }
        return (json, Array(bytes[end...]))
    }

    static func join(_ header: [String: Any], _ data: [UInt8]) -> [UInt8] {
        guard JSONSerialization.isValidJSONObject(header), let json = try? JSONSerialization.data(withJSONObject: header) else { return data }
        let n = UInt64(json.count)
        return withUnsafeBytes(of: n.littleEndian, Array.init) + [UInt8](json) + data
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] { gzipCompress(bytes) }
}

/// Ends the process when one case runs longer than its limit, naming the case: a hang must be a
/// failure that says where, not a fuzzer that never finishes.
final class Watchdog: @unchecked Sendable {
    let limit: Double
    private let lock = NSLock()
    private var started: Double?
    private var what = ""
    private var running = true
    private var thread: Thread?

    init(limit: Double) {
        self.limit = limit
        let t = Thread { [weak self] in
            while let self, self.isRunning {
                Thread.sleep(forTimeInterval: 0.25)
                self.check()
            }
        }
        thread = t
        t.start()
    }

    var isRunning: Bool { lock.lock(); defer { lock.unlock() }; return running }

    func check() {
        lock.lock(); defer { lock.unlock() }
        guard let started, Watchdog.now() - started > limit else { return }
        FileHandle.standardError.write(Data("hang: \(what) ran longer than \(Int(limit)) s\n".utf8))
        exit(3)
    }

    /// Runs one case under the limit; returns its time and whether the file loaded.
    func time(case i: Int, what: String, _ body: () -> Bool) -> (seconds: Double, loaded: Bool) {
        lock.lock(); started = Watchdog.now(); self.what = what; lock.unlock()
        let loaded = body()
        lock.lock(); let seconds = Watchdog.now() - (started ?? Watchdog.now()); started = nil; lock.unlock()
        return (seconds, loaded)
    }

    func stop() { lock.lock(); running = false; lock.unlock() }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
