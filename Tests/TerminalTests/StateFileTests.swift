import Foundation
import TensorCore
import Testing

@testable import Lessons
@testable import Terminal

@Suite("State that says what happened")
struct StateFileTests {
    func folder() -> String {
        let f = NSTemporaryDirectory() + "ganbook-state-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: true)
        return f
    }

    @Test("a progress file that can't be used is moved aside with a one-line notice, never silently replaced")
    func badProgress() throws {
        let bad = [
            #"{"lesson": -9223372036854775808, "step": 0, "completed": []}"#, "not json", #"{"lesson": "2", "step": 0, "completed": []}"#,
            #"{"lesson": 1e300, "step": 0, "completed": []}"#, #"{"lesson": 2, "step": -5, "completed": []}"#, "", "[]",
        ]
        for text in bad {
            let dir = folder()
            let path = dir + "/progress.json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let (progress, notices) = ProgressStore(path: path).open()
            #expect(progress == Progress())
            #expect(notices.count == 1, "\(text): \(notices)")
            #expect(notices.first?.contains("moved it to progress.json.bad-") == true, "\(notices)")
            let moved = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("progress.json.bad-") }
            #expect(moved.count == 1)
            #expect(try String(contentsOfFile: dir + "/" + moved[0], encoding: .utf8) == text)
        }
    }

    @Test("good progress loads without a notice; the lesson number that crashed every start does not crash the REPL")
    func goodProgress() throws {
        let dir = folder()
        let store = ProgressStore(path: dir + "/progress.json")
        store.save(Progress(lesson: 3, step: 2, completed: [3: [0, 1]]))
        let (progress, notices) = store.open()
        #expect(progress == Progress(lesson: 3, step: 2, completed: [3: [0, 1]]))
        #expect(notices.isEmpty)
        // Out of range but well-typed: rejected with a notice, the REPL starts.
        try #"{"lesson":-9223372036854775808,"step":0,"completed":[]}"#.write(toFile: dir + "/progress.json", atomically: true, encoding: .utf8)
        let h = Harness()
        try FileManager.default.createDirectory(atPath: (h.store.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try #"{"lesson":-9223372036854775808,"step":0,"completed":[]}"#.write(toFile: h.store.path, atomically: true, encoding: .utf8)
        let out = h.run([":lessons"]).lines
        #expect(out.contains { $0.contains("could not be used") })
    }

    @Test("an unwritable state folder is reported once at start")
    func unwritableFolder() throws {
        guard getuid() != 0 else { return }  // root writes anywhere
        let dir = folder()
        chmod(dir, 0o500)
        defer { chmod(dir, 0o700) }
        let (_, notices) = ProgressStore(path: dir + "/progress.json").open()
        #expect(notices.count == 1 && notices[0].contains("not writable"))
    }

    @Test("a state folder under a file is reported once at start")
    func folderUnderFile() throws {
        let dir = folder()
        FileManager.default.createFile(atPath: dir + "/file", contents: Data([1]))
        let (_, notices) = ProgressStore(path: dir + "/file/state/progress.json").open()
        #expect(notices.count == 1 && notices[0].contains("can't create the state folder"))
    }

    @Test(":export refuses a file it did not write unless --force, and replaces its own")
    func export() throws {
        let h = Harness()
        let notes = h.folder + "/notes.md"
        try "# my notes\n".write(toFile: notes, atomically: true, encoding: .utf8)
        let out = h.run(["x = 1", ":export \(notes)"]).lines
        #expect(out.contains { $0.contains("not a notebook written by :export") && $0.contains(":export \(notes) --force") })
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "# my notes\n")
        let again = h.run([":export \(h.folder)/s.md", ":export \(h.folder)/s.md", ":export \(notes) --force"]).lines
        #expect(again.filter { $0.hasPrefix("wrote ") }.count == 3, "\(again)")
    }
}
