import Autograd
import Foundation
import GANLab
import NN
import Notebook
import TensorCore
import TorchExport
import Workspace

/// `:torch` and `:export --torch FILE.py [--weights]`: the session's cells as PyTorch.
extension REPL {
    /// The cells that ran without an error, in order (what a script repeats).
    var cellsThatRan: [String] { transcript.filter { $0.failed != true }.map(\.cell) }

    /// `:torch` (the last cell) or `:torch <cell>`: its PyTorch equivalent, translated in the context of the
    /// cells before it (so `w.zero_grad()` knows w is a tensor).
    func torchCell(_ argument: String) -> [String] {
        var before = cellsThatRan
        let cell: String
        if argument.isEmpty {
            guard let last = before.popLast() else { return ["no cells run yet — :torch <cell> translates the cell given, e.g. :torch zeros(2, 3)"] }
            cell = last
        } else {
            cell = argument
        }
        var translator = TorchTranslator()
        for c in before { _ = translator.translate(c) }
        let t = translator.translate(cell)
        if let missing = t.missing { return [missing] }
        let notebookOnly = t.helpers.filter { $0 != "quick" }
        return t.lines + (notebookOnly.isEmpty ? [] : ["# \(notebookOnly.joined(separator: ", ")): small helpers that :export --torch FILE.py writes into the script"])
    }

    /// The first bytes of every script ganbook writes (how it recognises its own files).
    static let torchHeader = TorchScript.header

    /// `:export --torch FILE.py [--weights] [--force]`.
    func exportTorch(_ arguments: String) -> [String] {
        var words = arguments.split(separator: " ").map(String.init)
        let weights = words.contains("--weights"), force = words.contains("--force")
        words.removeAll { $0 == "--weights" || $0 == "--force" }
        guard words.count == 1, let path = words.first, path.hasSuffix(".py") else {
            return ["usage: :export --torch FILE.py (--weights: also the GANs' weights and recorded steps, which the script checks; --force: replace any file)"]
        }
        let cells = cellsThatRan
        var script = TorchScript(
            origin: "a ganbook session (\(cells.count) cell\(cells.count == 1 ? "" : "s"))",
            dataDirectory: session.interpreter.dataDirectory?.root ?? "datasets/data")
        script.sections = [(nil, cells)]
        var lines: [String] = []
        let isOurs: (String) -> Bool = { REPL.torchHeader.utf8.elementsEqual((try? RegularFile.head($0, bytes: REPL.torchHeader.utf8.count)) ?? []) }
        // Both files are checked before either is written: a refused script leaves no weights behind.
        if !force, RegularFile.exists(path), !isOurs(path) {
            return ["\(path) already exists and is not a script ganbook wrote; not replacing it — choose another name, or add --force"]
        }
        if weights {
            let file = String((path as NSString).lastPathComponent.dropLast(3)) + ".safetensors"
            script.weightsFile = file
            let folder = (path as NSString).deletingLastPathComponent
            let target = folder.isEmpty ? file : (folder as NSString).appendingPathComponent(file)
            do throws(FileProblem) {
                lines += try writeSessionWeights(to: target)
            } catch {
                return [error.message]
            }
        }
        let (text, untranslated, count) = script.render()
        do throws(FileProblem) {
            try AtomicFile.write(Array(text.utf8), to: path, kind: "script written by :export --torch", mayReplace: force ? nil : isOurs)
        } catch {
            return [error.message.replacingOccurrences(of: "add overwrite=True", with: "add --force")]
        }
        let skipped = untranslated == 0 ? "" : "; \(untranslated) without a PyTorch equivalent stay as comments"
        return ["wrote \(path): \(count) cell\(count == 1 ? "" : "s") as PyTorch\(skipped). Run it with: python3 \(path)"] + lines
    }

    /// The session's GANs for a `--weights` script: final weights with G's and D's outputs on fixed noise,
    /// and each GAN's recorded first steps (start, real batches, noise, losses). Returns one line per GAN.
    /// Never replaces a file it did not write, `--force` or not: the name beside a script may be a checkpoint
    /// the learner saved (`digits.py` → `digits.safetensors`).
    func writeSessionWeights(to path: String) throws(FileProblem) -> [String] {
        var tensors: [(name: String, tensor: Tensor)] = []
        var metadata: [String: String] = ["ganbook": "torch-check", "format": "pt"]
        var names: [String] = [], lines: [String] = []
        let gans = session.interpreter.variables.compactMap { name, value -> (String, GANTrainer)? in
            guard name != "_", case .object(let o) = value, let gan = o as? GANTrainer, !gan.isConditional else { return nil }
            return (name, gan)
        }.sorted { $0.0 < $1.0 }
        for (name, gan) in gans {
            names.append(name)
            let (more, settings, says) = REPL.checkTensors(name, gan)
            tensors += more
            metadata[name + ".settings"] = settings
            if let record = gan.record, record.count == 0 || record.stopped != nil { metadata[name + ".record"] = record.stopped ?? "no steps yet" }
            lines.append(says)
        }
        guard !names.isEmpty else { throw FileProblem("no GAN in this session to check (the conditional GAN of lesson 6 is not in the script): export without --weights") }
        metadata["gans"] = names.joined(separator: ",")
        let isOurs: (String) -> Bool = { existing in
            (try? SafeTensors.load(existing))?.metadata["ganbook"] == "torch-check"
        }
        if RegularFile.exists(path), !isOurs(path) {
            throw FileProblem("\(path) already exists and is not a weights file of :export --torch; not replacing it (it may be a checkpoint of yours) — choose another script name")
        }
        try AtomicFile.write(SafeTensors.encode(tensors, metadata: metadata), to: path, kind: "weights file written by :export --torch", mayReplace: isOurs)
        return ["wrote \(path): " + lines.joined(separator: "; ")]
    }

    /// One GAN's tensors under `name.`: weights, a forward check on fixed noise, and its record.
    static func checkTensors(_ name: String, _ gan: GANTrainer) -> ([(name: String, tensor: Tensor)], String, String) {
        var out = gan.pair.stateDict().map { (name: name + "." + $0.name, tensor: $0.tensor) }
        var g = SeededGenerator(seed: 20_260_203)
        let z = Tensor.randn([16, gan.pair.latent], using: &g)
        let images = gan.generate(z)
        let wasTraining = gan.pair.D.isTraining
        gan.pair.D.eval()
        let verdicts = noGrad { gan.pair.D(Variable(images)) }.value
        gan.pair.D.train(wasTraining)
        out += [(name + ".check.z", z), (name + ".check.G_eval", images), (name + ".check.D_eval", verdicts.reshaped([16]))]
        let s = gan.currentSettings
        let settings =
            "{\"arch\": \"\(gan.pair.architecture.rawValue)\", \"batch\": \(s.batchSize), \"k\": \(s.dSteps), \"smooth\": \(s.realLabel), "
            + "\"lr_g\": \(s.learningRateG), \"lr_d\": \(s.learningRateD), \"beta1\": \(s.beta1), \"beta2\": \(s.beta2), \"steps\": \(gan.steps)}"
        var says = "\(name): weights at step \(gan.steps)"
        if let r = gan.record, r.count > 0 {
            out += r.initial.map { (name: name + ".record." + $0.name, tensor: $0.tensor) }
            let k = r.settings.dSteps, b = r.settings.batchSize
            let real = r.realIndices.flatMap { $0.map { gan.dataset.train.imageBatch($0, range: -1...1) } }
            out.append((name + ".record.real", Tensor.concat(real).reshaped([r.count, k, b, 1, 28, 28])))
            out.append((name + ".record.z", Tensor.concat(r.noise.flatMap { $0 }).reshaped([r.count, k, b, gan.pair.latent])))
            out.append((name + ".record.loss_D", Tensor(r.lossD)))
            out.append((name + ".record.loss_G", Tensor(r.lossG)))
            says += ", its first \(r.count) steps recorded" + (r.stopped.map { " (then \($0))" } ?? "")
        } else {
            says += ", no recorded steps" + (gan.record?.stopped.map { " (\($0))" } ?? " (a GAN loaded from a file starts mid-way)")
        }
        return (out, settings, says)
    }
}
