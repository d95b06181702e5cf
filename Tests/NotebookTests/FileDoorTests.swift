import Datasets
import Foundation
import NN
import TensorCore
import Testing

@testable import Fuzzing
@testable import Notebook

/// A session whose variable `data` is 64 synthetic 28×28 digits, in a fresh folder, with a GAN
/// checkpoint saved there: what the checkpoint tests below damage one field at a time.
final class CheckpointBench {
    let folder = NSTemporaryDirectory() + "ganbook-files-" + UUID().uuidString
    let session: Session
    var path: String { folder + "/digits.safetensors" }

    init() {
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        session = Session(seed: 0, display: DisplayStyle(style: .plain, width: 80), dataDirectory: DataDirectory(root: folder + "/none"))
        session.interpreter.variables["data"] = .dataset(FileFuzzer.syntheticDigits())
        let r = session.run("g0 = GAN(arch=\"mlp\", batch=16, data=data); g0.step(); g0.save(\"\(path)\")")
        precondition(r.succeeded, "\(r.lines)")
    }

    /// The saved checkpoint with one metadata field replaced, written to `name`; the error of `load_gan` (nil: it loaded).
    func loadWith(_ key: String, _ value: String?) -> String? {
        var (tensors, meta) = try! SafeTensors.load(path)
        meta[key] = value
        let damaged = folder + "/damaged.safetensors"
        try! SafeTensors.save(tensors, metadata: meta, to: damaged, overwrite: true)
        _ = tensors
        return session.run("g = load_gan(\"\(damaged)\", data=data); g.step()").error?.message
    }
}

@Suite("Files are the other door: checkpoints")
struct CheckpointDoorTests {
    @Test("each bad metadata field gives one line naming the file and the field")
    func badFields() {
        let bench = CheckpointBench()
        let cases: [(String, String?, String)] = [
            ("batch", "0", "metadata 'batch' must be a whole number from 2 to 512, got \"0\""),
            ("batch", "4501", "metadata 'batch' must be a whole number from 2 to 512, got \"4501\""),
            ("batch", "100", "metadata 'batch' is 100, more than the 64 training images"),
            ("steps", "9223372036854775807", "metadata 'steps' must be a whole number from 0 to 1000000000"),
            ("steps", "-1", "metadata 'steps' must be a whole number"),
            ("d_steps", "1e9", "metadata 'd_steps' must be a whole number from 1 to 100, got \"1e9\""),
            ("d_steps", "1000000000", "metadata 'd_steps' must be a whole number from 1 to 100"),
            ("lr_g", "inf", "metadata 'lr_g' must be a number in (0, 1), got \"inf\""),
            ("real_label", "nan", "metadata 'real_label' must be a number in (0.5, 1]"),
            ("noise_state", "{\"state\":[0,0,0,0]}", "metadata 'noise_state' is a random generator state of all zeros"),
            ("noise_state", "{\"state\":[1,2]}", "metadata 'noise_state' must be a random generator state"),
            ("architecture", "resnet", "metadata 'architecture' must be \"dcgan\" or \"mlp\""),
            ("seed", "-3", "metadata 'seed' must be a whole number from 0 to 2^64-1"),
            ("batch", nil, "metadata 'batch' must be a whole number from 2 to 512, it is missing"),
        ]
        for (key, value, expected) in cases {
            let message = bench.loadWith(key, value)
            #expect(message?.contains(expected) == true, "\(key)=\(value ?? "nil"): \(message ?? "loaded")")
            #expect(message?.contains("damaged.safetensors") == true)
            #expect(message?.contains("\n") == false)
        }
    }

    @Test("a sampler position out of range or a wrong order is refused, not read out of bounds")
    func badSampler() throws {
        let bench = CheckpointBench()
        let sampler = try SafeTensors.load(bench.path).metadata["sampler"]!
        let position = sampler.replacingOccurrences(of: #""position":\d+"#, with: "\"position\":999999", options: .regularExpression)
        #expect(bench.loadWith("sampler", position)?.contains("metadata 'sampler' has position 999999, outside 0…64") == true)
        let order = sampler.replacingOccurrences(of: #""order":\[\d+"#, with: "\"order\":[640", options: .regularExpression)
        #expect(bench.loadWith("sampler", order)?.contains("metadata 'sampler' has an order that is not a permutation") == true)
        let zeroState = sampler.replacingOccurrences(of: #""state":\[[0-9,]+\]"#, with: "\"state\":[0,0,0,0]", options: .regularExpression)
        #expect(bench.loadWith("sampler", zeroState)?.contains("all zeros") == true)
        #expect(bench.loadWith("sampler", "{}")?.contains("metadata 'sampler' must be a batch sampler state") == true)
    }

    @Test("an infinite score step or a non-finite weight is named, not trapped on")
    func badTensors() throws {
        let bench = CheckpointBench()
        var (tensors, meta) = try SafeTensors.load(bench.path)
        let damaged = bench.folder + "/t.safetensors"
        func load() -> String? { bench.session.run("g = load_gan(\"\(damaged)\", data=data); g.step()").error?.message }
        var scored = tensors.filter { !$0.name.hasPrefix("history.score") }
        scored += [("history.score_steps", Tensor([Float.infinity])), ("history.scores", Tensor([Float(3)]))]
        try SafeTensors.save(scored, metadata: meta, to: damaged, overwrite: true)
        #expect(load()?.contains("tensor history.score_steps must hold whole numbers from 0 to 1") == true)
        let i = tensors.firstIndex { $0.name.hasPrefix("G.") }!
        var w = tensors[i].tensor.scalars
        w[3] = .nan
        tensors[i].tensor = Tensor(shape: tensors[i].tensor.shape, scalars: w)
        try SafeTensors.save(tensors, metadata: meta, to: damaged, overwrite: true)
        #expect(load()?.contains("tensor \(tensors[i].name) holds 1 non-finite value") == true)
        meta["steps"] = "1"
        _ = meta
    }

    @Test("a weight made huge by a flipped bit trains and reports a step without trapping")
    func hugeWeight() throws {
        let bench = CheckpointBench()
        var (tensors, meta) = try SafeTensors.load(bench.path)
        for i in tensors.indices where tensors[i].name.hasPrefix("D.") && tensors[i].name.hasSuffix("weight") {
            tensors[i].tensor = Tensor(shape: tensors[i].tensor.shape, scalars: tensors[i].tensor.scalars.map { $0 * 1e15 })
        }
        let damaged = bench.folder + "/huge.safetensors"
        try SafeTensors.save(tensors, metadata: meta, to: damaged, overwrite: true)
        _ = meta
        let r = bench.session.run("g = load_gan(\"\(damaged)\", data=data); g.step(); g.step(); plot(g.history); g.stats()")
        #expect(r.succeeded, "\(r.lines)")
    }

    @Test("relative file names mean the session's folder: a session given one never writes where it runs")
    func sessionFolder() throws {
        let folder = NSTemporaryDirectory() + "ganbook-folder-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s = Session()
        s.interpreter.settings.folder = folder
        let name = "ganbook-test-\(UUID().uuidString).safetensors"
        #expect(s.run("net = Linear(2, 2); save_model(net, \"\(name)\")").lines == ["saved 6 parameters to \(name)"])
        #expect(FileManager.default.fileExists(atPath: folder + "/" + name))
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/" + name))
        #expect(s.run("load_model(net, \"\(name)\")").succeeded)
    }

    @Test("save_model, gan.save and save_png replace only their own kind of file unless overwrite=True")
    func typoCannotHurt() throws {
        let bench = CheckpointBench()
        let notes = bench.folder + "/notes.txt"
        try "my notes".write(toFile: notes, atomically: true, encoding: .utf8)
        let s = bench.session
        #expect(
            s.run("net = Linear(2, 2); save_model(net, \"\(notes)\")").error?.message
                == "\(notes) already exists and is not a safetensors file; not replacing it — choose another name, or add overwrite=True")
        #expect(s.run("g0.save(\"\(notes)\")").error?.message.contains("not a safetensors file") == true)
        let png = bench.folder + "/notes.png"
        try "text".write(toFile: png, atomically: true, encoding: .utf8)
        #expect(s.run("save_png(zeros(28, 28), \"\(png)\")").error?.message.contains("is not a PNG file") == true)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "my notes")
        // Their own kind is replaced; overwrite=True replaces anything.
        #expect(s.run("save_model(net, \"\(bench.folder)/m.safetensors\"); save_model(net, \"\(bench.folder)/m.safetensors\")").succeeded)
        #expect(s.run("save_png(zeros(28, 28), \"\(bench.folder)/p.png\"); save_png(ones(28, 28), \"\(bench.folder)/p.png\")").succeeded)
        #expect(s.run("g0.save(\"\(bench.path)\")").succeeded)
        #expect(s.run("save_model(net, \"\(notes)\", overwrite=True)").succeeded)
        #expect(SafeTensors.looksLikeFile(notes))
    }

    @Test("a few hundred mutated checkpoints load or are refused, none crashes")
    func mutatedCheckpoints() throws {
        var fuzzer = FileFuzzer(seed: 3, folder: NSTemporaryDirectory() + "ganbook-ffuzz-" + UUID().uuidString)
        let tally = try fuzzer.run(.checkpoints, count: 300)
        #expect(tally.loaded + tally.refused == 300)
        #expect(tally.refused > 100 && tally.loaded > 10)
    }

    @Test("a few hundred mutated IDX files load or are refused, none crashes")
    func mutatedIDX() throws {
        var fuzzer = FileFuzzer(seed: 4, folder: NSTemporaryDirectory() + "ganbook-ifuzz-" + UUID().uuidString)
        let tally = try fuzzer.run(.idx, count: 300)
        #expect(tally.loaded + tally.refused == 300)
        #expect(tally.refused > 100)
    }
}

@Suite("Files are the other door: safetensors headers")
struct SafeTensorsHeaderTests {
    func header(_ json: String, data: Int = 16) -> [UInt8] {
        var h = Array(json.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        return withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h + [UInt8](repeating: 0, count: data)
    }

    func message(_ bytes: [UInt8]) -> String? {
        do { _ = try SafeTensors.decode(bytes); return nil } catch { return error.message }
    }

    @Test("offsets, shapes, dtypes and lengths that do not fit are errors, not traps")
    func hostileHeaders() {
        #expect(message(header(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,99]}}"#))?.contains("outside the 16 data bytes") == true)
        #expect(
            message(header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#))?
                .contains("overlap") == true)
        #expect(message(header(#"{"a":{"dtype":"F32","shape":[2147483648,2147483648,4],"data_offsets":[0,16]}}"#))?.contains("needs more bytes") == true)
        #expect(message(header(#"{"a":{"dtype":"F32","shape":[1e300],"data_offsets":[0,16]}}"#))?.contains("bad shape") == true)
        #expect(message(header(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,1e300]}}"#))?.contains("bad data_offsets") == true)
        #expect(message(header(#"{"a":{"dtype":"F64","shape":[4],"data_offsets":[0,16]}}"#, data: 64))?.contains("needs 32 bytes, offsets give 16") == true)
        #expect(message(header(#"{"a":{"dtype":"Q4","shape":[4],"data_offsets":[0,16]}}"#))?.contains("unsupported dtype Q4") == true)
        var huge = header("{}")
        for k in 0..<8 { huge[k] = 0xff }
        #expect(message(huge)?.contains("header length") == true)
    }

    @Test("special files are refused before they are opened")
    func specialFiles() throws {
        #expect(throws: CheckpointError("/dev/zero is a character device, not a file")) { try SafeTensors.load("/dev/zero") }
        let fifo = NSTemporaryDirectory() + "ganbook-fifo-" + UUID().uuidString
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: CheckpointError("\(fifo) is a pipe (FIFO), not a file")) { try SafeTensors.load(fifo) }
        #expect(throws: CheckpointError("\(NSTemporaryDirectory()) is a folder, not a file")) { try SafeTensors.load(NSTemporaryDirectory()) }
        unlink(fifo)
    }
}

@Suite("Atomic writes")
struct AtomicFileTests {
    @Test("temporary files of killed saves are removed at the next save, nothing else is")
    func abandonedTemporaries() throws {
        let folder = NSTemporaryDirectory() + "ganbook-atomic-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // A pid that is not running: the largest pid_max allows is 2^22.
        let dead = folder + "/.digits.safetensors.4194304.tmp", legacy = folder + "/progress.json.tmp-4194304"
        let mine = AtomicFile.temporaryPath(for: folder + "/other.png"), alive = folder + "/.x.png.1.tmp", notOurs = folder + "/.notes.tmp"
        for p in [dead, legacy, mine, alive, notOurs] { FileManager.default.createFile(atPath: p, contents: Data([1])) }
        try AtomicFile.write([1, 2, 3], to: folder + "/new.bin")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(left == [".x.png.1.tmp", ".notes.tmp", (mine as NSString).lastPathComponent, "new.bin"])
    }
}
