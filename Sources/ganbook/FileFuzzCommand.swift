import Foundation
import Fuzzing
import Notebook

/// `ganbook fuzz --mutate checkpoints|idx --count N --seed S`: damaged files through the notebook's
/// loaders in a temporary folder; prints a progress line every tenth of the run and the totals.
func runFileFuzzer(_ target: FileFuzzer.Target, count: Int, seed: UInt64) throws {
    let folder = NSTemporaryDirectory() + "ganbook-fuzz-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var fuzzer = FileFuzzer(seed: seed, folder: folder)
    let start = Date()
    func line(_ done: Int, _ t: FileFuzzer.Tally) -> String {
        let elapsed = Date().timeIntervalSince(start)
        return "\(done) mutated \(target.rawValue == "idx" ? "IDX files" : "checkpoints")"
            + (target == .checkpoints ? " (\(t.gan) GAN, \(t.model) model)" : "")
            + " in \(String(format: "%.1f", elapsed)) s (\(String(format: "%.0f", Double(done) / max(elapsed, 1e-9)))/s): "
            + "\(t.loaded) loaded and used, \(t.refused) refused with a message, 0 crashes, 0 hangs; slowest case \(String(format: "%.2f", t.slowest)) s"
    }
    let tally = try fuzzer.run(target, count: count, every: max(count / 10, 1)) { done, t in
        if done < count { print(line(done, t)); fflush(nil) }
    }
    print(line(count, tally))
}
