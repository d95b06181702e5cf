import Foundation
import TensorCore
import Testing

@testable import GANLab
@testable import NN

@Suite("safetensors checkpoints")
struct CheckpointTests {
    func tempPath(_ name: String) -> String { NSTemporaryDirectory() + "ganbook-\(UUID().uuidString)-\(name)" }

    @Test("a model's state survives save and load bit for bit, with PyTorch's names and dtypes")
    func roundTrip() throws {
        var g = SeededGenerator(seed: 3)
        let gan = GANPair(.dcgan, using: &g)
        let path = tempPath("gan.safetensors")
        try SafeTensors.save(gan.stateDict(), metadata: ["format": "pt"], to: path)
        let (tensors, metadata) = try SafeTensors.load(path)
        #expect(metadata == ["format": "pt"])
        #expect(tensors.map(\.name) == gan.stateDict().map(\.name))
        for (a, b) in zip(tensors, gan.stateDict()) { #expect(a.tensor == b.tensor, "\(a.name)") }

        var h = SeededGenerator(seed: 4)
        let other = GANPair(.dcgan, using: &h)
        try other.G.loadStateDict(Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.tensor) }), prefix: "G.")
        #expect(other.G.stateDict().map(\.tensor) == gan.G.stateDict().map(\.tensor))
        // num_batches_tracked is an integer in PyTorch: stored as I64.
        let header = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).prefix(4000), as: UTF8.self)
        #expect(header.contains("\"G.bn0.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[]"))
    }

    @Test("the fixture written by PyTorch's side reads back (header alignment, offsets, metadata)")
    func readsForeignFile() {
        #expect(Torch["linear.weight"].shape == [3, 5])
        #expect(Torch.tensors.count > 150)
    }

    @Test("hostile and truncated files give an error, never a crash")
    func hostile() throws {
        let good = SafeTensors.encode([("w", Tensor([[1, 2], [3, 4]]))])
        var cases: [(String, [UInt8])] = [
            ("empty", []),
            ("short", [1, 2, 3]),
            ("huge header", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f] + good.dropFirst(8)),
            ("truncated data", Array(good.dropLast(3))),
            ("garbage json", [4, 0, 0, 0, 0, 0, 0, 0] + Array("{{{{".utf8)),
        ]
        func withHeader(_ json: String) -> [UInt8] {
            let h = Array(json.utf8)
            return withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h + [UInt8](repeating: 0, count: 16)
        }
        cases.append(("offsets past end", withHeader(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,400]}}"#)))
        cases.append(("shape disagrees", withHeader(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#)))
        cases.append(("bad dtype", withHeader(#"{"w":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}"#)))
        cases.append(("negative shape", withHeader(#"{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#)))
        cases.append(("overflowing shape", withHeader(#"{"w":{"dtype":"F32","shape":[2147483648,2147483648,4],"data_offsets":[0,8]}}"#)))
        cases.append(("overlap", withHeader(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#)))
        cases.append(("not an object", withHeader(#"[1,2]"#)))
        for (name, bytes) in cases {
            #expect(throws: CheckpointError.self, "\(name)") { try SafeTensors.decode(bytes) }
        }
        #expect(try SafeTensors.decode(good).tensors[0].tensor == Tensor([[1, 2], [3, 4]]))
    }

    @Test("loading a checkpoint of the wrong model changes nothing and says why")
    func wrongShapes() {
        var g = SeededGenerator(seed: 5)
        let model = Linear(3, 2, using: &g)
        let before = model.stateDict().map(\.tensor)
        #expect(throws: CheckpointError("weight has shape [2, 4] in the checkpoint, the model needs [2, 3]")) {
            try model.loadStateDict(["weight": .zeros([2, 4]), "bias": .zeros([2])])
        }
        #expect(throws: CheckpointError("checkpoint has no tensor bias")) { try model.loadStateDict(["weight": .zeros([2, 3])]) }
        #expect(model.stateDict().map(\.tensor) == before)
    }

    @Test("atomic write: an existing file is replaced whole and no temp file is left")
    func atomic() throws {
        let path = tempPath("x.safetensors")
        try SafeTensors.save([("a", Tensor([1]))], to: path)
        try SafeTensors.save([("a", Tensor([2]))], to: path)
        #expect(try SafeTensors.load(path).tensors[0].tensor == Tensor([2]))
        let folder = (path as NSString).deletingLastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") && $0.contains("x.safetensors") }
        #expect(leftovers.isEmpty)
        #expect(throws: CheckpointError.self) { try SafeTensors.save([("a", Tensor([1]))], to: "/nonexistent/dir/x.safetensors") }
    }
}
