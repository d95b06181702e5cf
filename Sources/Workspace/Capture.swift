import Autograd
import Foundation
import GANLab
import NN
import Notebook
import TensorCore

/// Turns a session's variables into a manifest and its tensors, object by object: each network,
/// optimizer, GAN and tensor is written once, however many names (or lists, or optimizers) refer to it.
final class Capture {
    private(set) var tensors: [(name: String, tensor: Tensor)] = []
    private(set) var tensorEntries: [TensorEntry] = []
    private(set) var trees: [TreeEntry] = []
    private(set) var optimizers: [OptimizerEntry] = []
    private(set) var objects: [ObjectEntry] = []
    private(set) var unsaved: [String] = []

    private var tensorIDs: [ObjectIdentifier: Int] = [:]
    /// Where each module of every tree is: (tree, path in it).
    private var moduleRefs: [ObjectIdentifier: (tree: Int, path: String)] = [:]
    private var optimizerIDs: [ObjectIdentifier: Int] = [:]
    private var objectIDs: [ObjectIdentifier: Int] = [:]

    /// The variables (by name, sorted) as stored values; those that cannot be kept are left out and named in `unsaved`.
    func capture(_ variables: [String: Value]) -> [NamedValue] {
        let names = variables.keys.sorted()
        // GANs and coin games first (their networks are built with them), then networks whole: a layer
        // kept on its own (`first = net[0]`) is then found inside its network instead of becoming a
        // second copy of itself.
        var modules: [Module] = []
        var owners: [NotebookObject] = []
        for name in names { collect(variables[name]!, modules: &modules, objects: &owners) }
        for o in owners { _ = object(o) }
        let inside = Set(modules.flatMap { $0.namedModules().dropFirst().map { ObjectIdentifier($0.module) } })
        for m in modules where !inside.contains(ObjectIdentifier(m)) && moduleRefs[ObjectIdentifier(m)] == nil { _ = tree(m, owner: nil) }
        var stored: [NamedValue] = []
        for name in names {
            do throws(Unsaveable) { stored.append(NamedValue(name: name, value: try store(variables[name]!))) } catch {
                unsaved.append("\(name) (\(error.what))")
            }
        }
        return stored
    }

    struct Unsaveable: Error { let what: String }

    /// Every module and object a value reaches.
    private func collect(_ v: Value, modules: inout [Module], objects: inout [NotebookObject]) {
        switch v {
        case .module(let m): modules.append(m)
        case .object(let o): objects.append(o)
        case .list(let items): for item in items { collect(item, modules: &modules, objects: &objects) }
        case .optimizer, .none, .bool, .number, .string, .tensor, .dataset, .function: break
        }
    }

    private func store(_ v: Value) throws(Unsaveable) -> StoredValue {
        switch v {
        case .none: return .none
        case .bool(let b): return .bool(b)
        case .number(let x): return .number(x)
        case .string(let s): return .string(s)
        case .list(let items):
            var out: [StoredValue] = []
            for item in items { out.append(try store(item)) }
            return .list(out)
        case .tensor(let t): return .tensor(tensor(t))
        case .module(let m):
            if let ref = moduleRefs[ObjectIdentifier(m)] { return .module(tree: ref.tree, path: ref.path) }
            guard let id = tree(m, owner: nil) else { throw Unsaveable(what: "a \(m.typeName) the workspace cannot rebuild") }
            return .module(tree: id, path: "")
        case .optimizer(let o):
            guard let id = optimizer(o, owner: nil) else { throw Unsaveable(what: "an optimizer the workspace does not know") }
            return .optimizer(id)
        case .dataset(let d): return .dataset(d.name.rawValue)
        case .function(let f):
            guard !f.isBoundMethod, Builtins.table[f.name] != nil else { throw Unsaveable(what: "a bound method: take it again from its object after a restart") }
            return .builtin(f.name)
        case .object(let o):
            guard let id = object(o) else { throw Unsaveable(what: "a \(o.typeName)") }
            return .object(id)
        }
    }

    /// The tensor entry of `v` (made on first sight). A parameter of a kept network refers to it.
    private func tensor(_ v: Variable, owner: ParameterRef? = nil) -> Int {
        if let id = tensorIDs[ObjectIdentifier(v)] { return id }
        let id = tensorEntries.count
        tensorIDs[ObjectIdentifier(v)] = id
        tensorEntries.append(
            TensorEntry(owner: owner, requiresGrad: v.requiresGrad, hasGrad: v.grad != nil, retainsGrad: v.retainsGrad, computed: !v.isLeaf, label: v.label))
        if owner == nil { tensors.append(("t\(id)", v.value)) }
        if let g = v.grad { tensors.append(("t\(id).grad", g)) }
        return id
    }

    /// The tree entry of the network `root` (its state, modes, Dropout streams; its parameters as tensors).
    private func tree(_ root: Module, owner: OwnerRef?) -> Int? {
        if let ref = moduleRefs[ObjectIdentifier(root)], ref.path.isEmpty { return ref.tree }
        var recipe: ModuleRecipe?
        if owner == nil {
            guard let r = ModuleRecipe(root) else { return nil }
            recipe = r
        }
        let id = trees.count
        let named = root.namedModules()
        for (path, m) in named where moduleRefs[ObjectIdentifier(m)] == nil { moduleRefs[ObjectIdentifier(m)] = (id, path) }
        var streams: [String: SeededGenerator] = [:]
        for (path, m) in named { if let d = m as? Dropout { streams[path] = d.randomState } }
        trees.append(TreeEntry(recipe: recipe, owner: owner, training: named.map(\.module.isTraining), dropoutStreams: streams))
        tensors += root.stateDict().map { ("m\(id).\($0.name)", $0.tensor) }
        for (name, v) in root.namedParameters() { _ = tensor(v, owner: ParameterRef(tree: id, name: name)) }
        return id
    }

    private func optimizer(_ o: Optimizer, owner: OwnerRef?) -> Int? {
        if let id = optimizerIDs[ObjectIdentifier(o)] { return id }
        var entry: OptimizerEntry
        switch o {
        case let a as Adam:
            entry = OptimizerEntry(kind: "Adam", owner: owner, parameterNames: [], parameterTensors: [], learningRate: a.learningRate)
            (entry.beta1, entry.beta2, entry.eps, entry.weightDecay) = (a.beta1, a.beta2, a.eps, a.weightDecay)
        case let s as SGD:
            entry = OptimizerEntry(kind: "SGD", owner: owner, parameterNames: [], parameterTensors: [], learningRate: s.learningRate)
            (entry.momentum, entry.weightDecay) = (s.momentum, s.weightDecay)
        default: return nil
        }
        if owner == nil {
            entry.parameterNames = o.parameters.map(\.name)
            entry.parameterTensors = o.parameters.map { tensor($0.variable) }
        }
        let id = optimizers.count
        optimizerIDs[ObjectIdentifier(o)] = id
        optimizers.append(entry)
        tensors += o.stateDict().map { ("o\(id).\($0.name)", $0.tensor) }
        return id
    }

    /// The object entry of a GAN, a coin game, a set of games or a kept history; nil for anything else.
    private func object(_ o: NotebookObject) -> Int? {
        if let id = objectIDs[ObjectIdentifier(o)] { return id }
        switch o {
        case let gan as GANTrainer:
            let id = reserve(o)
            let entry = GANEntry(metadata: gan.metadata, history: GANHistoryEntry(gan.history), frameSteps: gan.frames.map(\.step))
            objects[id] = .gan(entry)
            for (k, frame) in gan.frames.enumerated() { tensors.append(("x\(id).frame\(k)", frame.images)) }
            own(G: gan.pair.G, D: gan.pair.D, optimizers: gan.pair.optimizerG, gan.pair.optimizerD, object: id)
            return id
        case let game as CoinGame:
            let id = reserve(o)
            objects[id] = .coinGame(
                CoinGameEntry(coins: game.coinsPerRound, treasurerSteps: game.treasurerSteps, generator: game.generator, viewing: game.viewing, record: game.record))
            own(G: game.counterfeiter, D: game.treasurer, optimizers: game.optimizerG, game.optimizerD, object: id)
            return id
        case let set as CoinGamesObject:
            let games = set.set.games.compactMap { object($0) }
            let id = reserve(o)
            objects[id] = .coinGames(games: games, seeds: set.set.seeds)
            return id
        case let h as HistoryValue:
            let id = reserve(o)
            objects[id] = .ganHistory(GANHistoryEntry(h.history))
            return id
        case let h as CoinHistory:
            let id = reserve(o)
            let series = h.series()
            objects[id] = .series(summary: h.describe(style: DisplayStyle()).first ?? "history", names: series.map(\.name), values: series.map(\.values))
            return id
        default:
            return nil
        }
    }

    /// An index for `o` before its parts are written (a part may refer back to it).
    private func reserve(_ o: NotebookObject) -> Int {
        let id = objects.count
        objectIDs[ObjectIdentifier(o)] = id
        objects.append(.series(summary: "", names: [], values: []))
        return id
    }

    private func own(G: Module, D: Module, optimizers g: Optimizer, _ d: Optimizer, object id: Int) {
        _ = tree(G, owner: OwnerRef(object: id, role: "G"))
        _ = tree(D, owner: OwnerRef(object: id, role: "D"))
        _ = optimizer(g, owner: OwnerRef(object: id, role: "G"))
        _ = optimizer(d, owner: OwnerRef(object: id, role: "D"))
    }
}
