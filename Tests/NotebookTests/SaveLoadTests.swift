import Foundation
import NN
import Testing

@testable import Notebook

@Suite("save(tensor, path) and load(path), like torch.save")
struct SaveLoadTests {
    static func session() -> (Session, String) {
        let folder = NSTemporaryDirectory() + "ganbook-save-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let s = Session()
        s.interpreter.settings.folder = folder
        return (s, folder)
    }

    @Test("a tensor and a list of tensors come back with their shapes and values; the file is float32 safetensors")
    func roundTrip() throws {
        let (s, folder) = SaveLoadTests.session()
        let saved = s.run("x = randn(100, 1, 28, 28); save(x, \"x.safetensors\")")
        #expect(saved.lines == ["saved a tensor of shape [100, 1, 28, 28] to x.safetensors"], "\(saved.lines)")
        #expect(s.run("y = load(\"x.safetensors\"); y.shape == [100, 1, 28, 28] and (y - x).abs().max().item() == 0").lines == ["True"])
        let (tensors, _) = try SafeTensors.load(folder + "/x.safetensors")
        #expect(tensors.map(\.name) == ["tensor"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/x.safetensors"))
        #expect(String(decoding: bytes.prefix(200), as: UTF8.self).contains("\"dtype\":\"F32\""))

        let list = (0..<12).map { "ones(\($0 + 1))" }.joined(separator: ", ")
        #expect(s.run("parts = [\(list)]; save(parts, \"parts.safetensors\")").lines == ["saved 12 tensors to parts.safetensors"])
        #expect(s.run("back = load(\"parts.safetensors\"); len(back) == 12 and back[9].shape == [10] and back[11].sum().item() == 12").lines == ["True"])
        // A cell that does not parse shows only its own error, not the previous cell's output again.
        #expect(s.run("[t for t in back]").lines.allSatisfy { !$0.hasPrefix("saved") })
    }

    @Test("wrong values, missing files and someone's notes get a clear message, never a crash or an overwrite")
    func refusals() throws {
        let (s, folder) = SaveLoadTests.session()
        try "my notes".write(toFile: folder + "/notes.txt", atomically: true, encoding: .utf8)
        #expect(s.run("save(3, \"a.safetensors\")").error?.message == "save takes a tensor or a list of tensors, got int")
        #expect(s.run("save([ones(2), 'a'], \"a.safetensors\")").error != nil)
        #expect(s.run("save(ones(2), \"notes.txt\")").error?.message.contains("not replacing it") == true)
        #expect(try String(contentsOfFile: folder + "/notes.txt", encoding: .utf8) == "my notes")
        #expect(s.run("load(\"nowhere.safetensors\")").error?.message.contains("no such file") == true)
        #expect(s.run("load(\"notes.txt\")").error != nil)
    }
}
