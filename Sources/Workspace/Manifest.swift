import GANLab
import TensorCore

/// What `manifest.json` of a workspace holds: the session's variables as a small graph of entries that
/// name each other by index, so that two names for one object (`G = gan.G`, an optimizer and the
/// network whose parameters it updates) are one object again after a restart. Every tensor lives in
/// the safetensors file the manifest names, under a key made from its entry (`t3`, `t3.grad`, `m0.fc.weight`).
struct Manifest: Codable {
    static let currentFormat = 1
    var format = Manifest.currentFormat
    /// Seconds since 1970 when it was saved.
    var savedAt: Double
    /// The safetensors file beside the manifest that holds every tensor.
    var tensorsFile: String
    /// The session's seed and its random stream, exactly where they were.
    var seed: UInt64
    var generator: SeededGenerator
    var variables: [NamedValue]
    var tensors: [TensorEntry]
    var trees: [TreeEntry]
    var optimizers: [OptimizerEntry]
    var objects: [ObjectEntry]
    /// The cells the learner ran (the last `Workspace.keptCells`), with their plain output.
    var cells: [KeptCell]
    /// Variables that could not be kept, with why (`f: a bound method`).
    var unsaved: [String]
}

struct NamedValue: Codable {
    var name: String
    var value: StoredValue
}

/// A value, with objects named by their entry's index.
indirect enum StoredValue: Codable {
    case none
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([StoredValue])
    case tensor(Int)
    /// A module: tree `tree`, at `path` inside it ("" for the root, "net.0" for a layer of it).
    case module(tree: Int, path: String)
    case optimizer(Int)
    /// `mnist()` or `fashion()`, by name: datasets are read again from the data folder, never copied.
    case dataset(String)
    /// A builtin function by name (`f = relu`).
    case builtin(String)
    case object(Int)
}

/// A tensor: a module's parameter (its value is in the module's state, `owner`), or one of its own
/// (`t<i>`); its gradient, if any, is `t<i>.grad`.
struct TensorEntry: Codable {
    var owner: ParameterRef?
    var requiresGrad: Bool
    var hasGrad: Bool
    var retainsGrad: Bool
    /// Made by an operation (`loss = …`): the graph that made it is not kept, so it comes back as a plain value.
    var computed: Bool
    var label: String?
}

struct ParameterRef: Codable {
    var tree: Int
    var name: String
}

/// A network and everything inside it: built again from `recipe`, or owned by a GAN or coin game
/// (`owner`), whose networks are built with it. Its state (parameters and buffers) is `m<i>.<name>`.
struct TreeEntry: Codable {
    var recipe: ModuleRecipe?
    var owner: OwnerRef?
    /// Training mode of each module, in `namedModules()` order.
    var training: [Bool]
    /// The random streams of its Dropout layers, by their path in the tree.
    var dropoutStreams: [String: SeededGenerator]
}

/// "The G of object 2".
struct OwnerRef: Codable {
    var object: Int
    var role: String
}

/// An optimizer: its settings, its parameters (tensor entries, with the names that key its state), and
/// its state `o<i>.<name>`. One owned by a GAN or coin game is built with it.
struct OptimizerEntry: Codable {
    var kind: String
    var owner: OwnerRef?
    var parameterNames: [String]
    var parameterTensors: [Int]
    var learningRate: Float
    var beta1: Float = 0, beta2: Float = 0, eps: Float = 0, weightDecay: Float = 0, momentum: Float = 0
}

enum ObjectEntry: Codable {
    /// A GAN: its settings and random streams as a checkpoint's metadata, its history in Doubles, and the
    /// steps of its recorded frames (`x<i>.frame<k>`). Its networks and optimizers are tree and optimizer entries.
    case gan(GANEntry)
    case coinGame(CoinGameEntry)
    /// A set of coin games: the games' object entries and their seeds.
    case coinGames(games: [Int], seeds: [UInt64])
    /// `gan.history` kept in a variable (a copy, as it was).
    case ganHistory(GANHistoryEntry)
    /// `game.history` kept in a variable: its series as they were.
    case series(summary: String, names: [String], values: [[Double]])
}

struct GANEntry: Codable {
    var metadata: [String: String]
    var history: GANHistoryEntry
    var frameSteps: [Int]
}

struct GANHistoryEntry: Codable {
    var lossD: [Double], lossG: [Double], dReal: [Double], dFake: [Double]
    var scoreSteps: [Int], scores: [Double]

    init(_ h: GANTrainer.History) {
        (lossD, lossG, dReal, dFake) = (h.lossD, h.lossG, h.dReal, h.dFake)
        scoreSteps = h.scores.map(\.0)
        scores = h.scores.map(\.1)
    }

    var history: GANTrainer.History {
        var h = GANTrainer.History()
        (h.lossD, h.lossG, h.dReal, h.dFake) = (lossD, lossG, dReal, dFake)
        h.scores = Array(zip(scoreSteps, scores))
        return h
    }
}

struct CoinGameEntry: Codable {
    var coins: Int
    var treasurerSteps: Int
    var generator: SeededGenerator
    var viewing: SeededGenerator
    var record: CoinGame.Record
}

/// A cell the learner ran, with its plain output (`:export` and `:cells` show them after a restart).
public struct KeptCell: Codable, Sendable, Equatable {
    public var cell: String
    public var output: [String]
    /// The cell stopped with an error (a PyTorch export leaves it out). Absent in workspaces kept before it existed.
    public var failed: Bool?
    public init(cell: String, output: [String], failed: Bool? = nil) {
        self.cell = cell
        self.output = output
        self.failed = failed
    }
}
