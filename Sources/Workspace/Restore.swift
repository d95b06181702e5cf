import Autograd
import Datasets
import Foundation
import GANLab
import NN
import Notebook
import TensorCore
import TextPlot

/// Why a workspace cannot be put back (a damaged or foreign manifest or tensors file), in one line.
struct WorkspaceDamage: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Builds the session's variables again from a manifest and its tensors, in the order the parts need
/// each other: GANs and coin games (with their networks and optimizers), other networks, tensors,
/// optimizers, then the values. Nothing touches the session until everything is built: a damaged
/// workspace changes nothing.
final class Restore {
    let manifest: Manifest
    let stored: [String: Tensor]
    let interpreter: Interpreter
    /// What the learner should hear (a GAN whose dataset is gone, a graph that was not kept).
    private(set) var notices: [String] = []

    private var objects: [NotebookObject?] = []
    private var trees: [Module?] = []
    private var variablesByID: [Variable?] = []
    private var optimizers: [Optimizer?] = []

    init(_ manifest: Manifest, tensors: [(name: String, tensor: Tensor)], into interpreter: Interpreter) {
        self.manifest = manifest
        stored = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        self.interpreter = interpreter
    }

    /// The variables, built; throws `WorkspaceDamage` when the files do not fit together.
    func run() throws(WorkspaceDamage) -> [String: Value] {
        for i in manifest.objects.indices { objects.append(try object(i)) }
        for i in manifest.trees.indices { trees.append(try tree(i)) }
        for i in manifest.tensors.indices { variablesByID.append(try variable(i)) }
        for i in manifest.optimizers.indices { optimizers.append(try optimizer(i)) }
        var values: [String: Value] = [:]
        var lost: [String] = []
        for v in manifest.variables {
            if let value = try value(v.value) { values[v.name] = value } else { lost.append(v.name) }
        }
        if !lost.isEmpty { notices.append("not restored: \(lost.joined(separator: ", ")) (what they need is missing, see above)") }
        let graphless = manifest.variables.filter { v in
            if case .tensor(let i) = v.value, manifest.tensors[i].computed, manifest.tensors[i].requiresGrad { return true }
            return false
        }.map(\.name)
        if !graphless.isEmpty {
            notices.append("\(graphless.joined(separator: ", ")) came back as plain values (the graph that made them is not kept): run their cells again before .backward()")
        }
        return values
    }

    private func tensor(_ key: String) throws(WorkspaceDamage) -> Tensor {
        guard let t = stored[key] else { throw WorkspaceDamage("the tensors file has no \(key)") }
        return t
    }

    /// The tensors under `prefix.` with the prefix taken off.
    private func state(_ prefix: String) -> [String: Tensor] {
        let p = prefix + "."
        return Dictionary(uniqueKeysWithValues: stored.filter { $0.key.hasPrefix(p) }.map { (String($0.key.dropFirst(p.count)), $0.value) })
    }

    private var frozen: Bool { interpreter.settings.learningFrozen }

    // MARK: Objects

    private func object(_ i: Int) throws(WorkspaceDamage) -> NotebookObject? {
        switch manifest.objects[i] {
        case .gan(let entry):
            let name = entry.metadata["dataset"].flatMap(DatasetName.init(rawValue:)) ?? .mnist
            let data: ImageDataset
            do { data = try interpreter.dataset(name) } catch {
                notices.append("a GAN could not come back: \(error.message)" + (error.hint.map { " — \($0)" } ?? ""))
                return nil
            }
            let gan: GANTrainer
            do { gan = try GANTrainer.rebuild(metadata: entry.metadata, from: "workspace", dataset: data) } catch { throw WorkspaceDamage(error.message) }
            guard entry.frameSteps.count <= 100_000 else { throw WorkspaceDamage("a GAN claims \(entry.frameSteps.count) frames") }
            var frames: [(step: Int, images: Tensor)] = []
            for (k, step) in entry.frameSteps.enumerated() { frames.append((step, try tensor("x\(i).frame\(k)"))) }
            gan.restoreRecord(history: entry.history.history, frames: frames)
            gan.pair.freezeLearning(frozen)
            return gan
        case .coinGame(let entry):
            guard (1...100_000).contains(entry.coins), (1...100).contains(entry.treasurerSteps), entry.generator.isUsable, entry.viewing.isUsable else {
                throw WorkspaceDamage("a coin game's settings are out of range")
            }
            let game = CoinGame(seed: 0, coins: entry.coins, treasurerSteps: entry.treasurerSteps)
            game.generator = entry.generator
            game.viewing = entry.viewing
            guard game.restoreRecord(entry.record) else { throw WorkspaceDamage("a coin game's record does not add up") }
            game.freezeLearning(frozen)
            return game
        case .coinGames(let games, let seeds):
            var members: [CoinGame] = []
            for g in games {
                guard g < i, let game = objects[g] as? CoinGame else { throw WorkspaceDamage("a set of coin games names a game that is not there") }
                members.append(game)
            }
            guard seeds.count == members.count else { throw WorkspaceDamage("a set of coin games has \(members.count) games and \(seeds.count) seeds") }
            return CoinGamesObject(CoinGames(games: members, seeds: seeds))
        case .ganHistory(let h):
            return HistoryValue(history: h.history)
        case .series(let summary, let names, let values):
            let series = zip(names, values).map { Series($0, $1) }
            return CoinHistory(summary: { summary }) { series }
        }
    }

    /// The network an object owns in `role` ("G" or "D"), and its optimizer.
    private func owned(_ owner: OwnerRef) throws(WorkspaceDamage) -> (module: Module, optimizer: Optimizer)? {
        guard owner.object >= 0, owner.object < objects.count else { throw WorkspaceDamage("an entry names object \(owner.object), which is not there") }
        guard let o = objects[owner.object] else { return nil }  // its object could not come back
        let pair: (Module, Optimizer, Module, Optimizer)
        switch o {
        case let gan as GANTrainer: pair = (gan.pair.G, gan.pair.optimizerG, gan.pair.D, gan.pair.optimizerD)
        case let game as CoinGame: pair = (game.counterfeiter, game.optimizerG, game.treasurer, game.optimizerD)
        default: throw WorkspaceDamage("object \(owner.object) owns no networks")
        }
        switch owner.role {
        case "G": return (pair.0, pair.1)
        case "D": return (pair.2, pair.3)
        default: throw WorkspaceDamage("an entry names the role '\(owner.role)'")
        }
    }

    // MARK: Networks, tensors, optimizers

    private func tree(_ i: Int) throws(WorkspaceDamage) -> Module? {
        let entry = manifest.trees[i]
        let root: Module
        if let owner = entry.owner {
            guard let found = try owned(owner) else { return nil }
            root = found.module
        } else {
            guard let built = entry.recipe?.build() else { throw WorkspaceDamage("network \(i) has no recipe the workspace can build") }
            root = built
        }
        do { try root.loadStateDict(state("m\(i)")) } catch { throw WorkspaceDamage("network \(i): \(error.message)") }
        let named = root.namedModules()
        guard entry.training.count == named.count else { throw WorkspaceDamage("network \(i) has \(named.count) modules, its entry \(entry.training.count)") }
        // Modes one by one, leaves last: train(_:) sets a whole subtree.
        for ((_, m), on) in zip(named, entry.training) { m.train(on) }
        for ((_, m), on) in zip(named, entry.training).reversed() where m.children.isEmpty { m.train(on) }
        for (path, m) in named {
            guard let d = m as? Dropout, let stream = entry.dropoutStreams[path] else { continue }
            guard stream.isUsable else { throw WorkspaceDamage("network \(i): a Dropout stream of all zeros") }
            d.randomState = stream
        }
        return root
    }

    private func variable(_ i: Int) throws(WorkspaceDamage) -> Variable? {
        let entry = manifest.tensors[i]
        let v: Variable
        if let owner = entry.owner {
            guard owner.tree >= 0, owner.tree < trees.count else { throw WorkspaceDamage("tensor \(i) names network \(owner.tree), which is not there") }
            guard let root = trees[owner.tree] else { return nil }
            guard let p = root.namedParameters().first(where: { $0.name == owner.name }) else {
                throw WorkspaceDamage("network \(owner.tree) has no parameter \(owner.name)")
            }
            v = p.variable
            if v.requiresGrad != entry.requiresGrad { v.setRequiresGrad(entry.requiresGrad) }
        } else {
            // A tensor an operation made comes back as a leaf without its graph: one that required grad
            // must not pretend to (its backward would reach none of what made it).
            v = Variable(try tensor("t\(i)"), requiresGrad: entry.requiresGrad && !entry.computed, label: entry.label)
        }
        if entry.hasGrad {
            let g = try tensor("t\(i).grad")
            guard g.shape == v.shape else { throw WorkspaceDamage("tensor \(i)'s gradient has another shape than the tensor") }
            v.grad = g
        } else {
            v.grad = nil
        }
        v.retainsGrad = entry.retainsGrad
        return v
    }

    private func optimizer(_ i: Int) throws(WorkspaceDamage) -> Optimizer? {
        let entry = manifest.optimizers[i]
        let o: Optimizer
        if let owner = entry.owner {
            guard let found = try owned(owner) else { return nil }
            o = found.optimizer
        } else {
            guard entry.parameterNames.count == entry.parameterTensors.count else { throw WorkspaceDamage("optimizer \(i) has names and tensors that do not pair up") }
            var parameters: [(name: String, variable: Variable)] = []
            for (name, t) in zip(entry.parameterNames, entry.parameterTensors) {
                guard t >= 0, t < variablesByID.count else { throw WorkspaceDamage("optimizer \(i) names tensor \(t), which is not there") }
                guard let v = variablesByID[t] else { return nil }
                parameters.append((name, v))
            }
            let numbers = [entry.learningRate, entry.beta1, entry.beta2, entry.eps, entry.weightDecay, entry.momentum]
            guard numbers.allSatisfy(\.isFinite) else { throw WorkspaceDamage("optimizer \(i) has a setting that is not a number") }
            switch entry.kind {
            case "Adam":
                o = Adam(parameters, learningRate: entry.learningRate, betas: (entry.beta1, entry.beta2), eps: entry.eps, weightDecay: entry.weightDecay)
            case "SGD": o = SGD(parameters, learningRate: entry.learningRate, momentum: entry.momentum, weightDecay: entry.weightDecay)
            default: throw WorkspaceDamage("optimizer \(i) is a '\(entry.kind)'")
            }
            o.isFrozen = frozen
        }
        o.learningRate = entry.learningRate
        do { try o.loadStateDict(state("o\(i)")) } catch { throw WorkspaceDamage("optimizer \(i): \(error.message)") }
        return o
    }

    // MARK: Values

    /// The value; nil when a part it needs could not come back (its dataset is missing).
    private func value(_ s: StoredValue) throws(WorkspaceDamage) -> Value? {
        func at<T>(_ list: [T?], _ i: Int, _ what: String) throws(WorkspaceDamage) -> T? {
            guard i >= 0, i < list.count else { throw WorkspaceDamage("a variable names \(what) \(i), which is not there") }
            return list[i]
        }
        switch s {
        case .none: return Value.none
        case .bool(let b): return .bool(b)
        case .number(let x): return .number(x)
        case .string(let t): return .string(t)
        case .list(let items):
            var out: [Value] = []
            for item in items {
                guard let v = try value(item) else { return nil }
                out.append(v)
            }
            return .list(out)
        case .tensor(let i): return try at(variablesByID, i, "tensor").map { .tensor($0) }
        case .module(let t, let path):
            guard let root = try at(trees, t, "network") else { return nil }
            guard let m = root.namedModules().first(where: { $0.name == path })?.module else { throw WorkspaceDamage("network \(t) has no module '\(path)'") }
            return .module(m)
        case .optimizer(let i): return try at(optimizers, i, "optimizer").map { .optimizer($0) }
        case .dataset(let name):
            guard let d = DatasetName(rawValue: name) else { throw WorkspaceDamage("a variable names the dataset '\(name)'") }
            do { return .dataset(try interpreter.dataset(d)) } catch {
                notices.append("\(d.title) is not on this machine: run `make data`, then the cell that loads it")
                return nil
            }
        case .builtin(let name):
            guard let b = Builtins.table[name] else { throw WorkspaceDamage("a variable names the builtin '\(name)', which this ganbook does not have") }
            return .function(b.function)
        case .object(let i): return try at(objects, i, "object").map { .object($0) }
        }
    }
}
