// swift-tools-version:6.0
// ganbook — a terminal notebook that teaches how neural networks learn to draw.
// Modules depend one way, top to bottom in this file:
//   C shims → TensorCore → Autograd → NN → Datasets → GANLab → TextPlot / CellLanguage (leaves) → Notebook
//   → Lessons, Fuzzing, Workspace → Terminal → ganbook
import PackageDescription

/// Optimise numeric modules hard in release builds: bounds checks stay on in debug (where the
/// tests catch mistakes) and are removed in release, where the engine's hot loops live.
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release))
]

/// Each module's folder has a README.md (what it holds, what it may import, its letters): not a source.
let readme = ["README.md"]

let package = Package(
    name: "ganbook",
    products: [
        .executable(name: "ganbook", targets: ["ganbook"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // MARK: - C shims
        .systemLibrary(
            name: "CReadline", path: "Sources/CReadline",
            providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        // Hot loops in C where Swift's SIMD types compile lane by lane (Adam's square root).
        .target(
            name: "CKernels", path: "Sources/CKernels", exclude: readme,
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=off"])]),

        // MARK: - Engine
        .target(name: "TensorCore", dependencies: ["CBLAS", "CSystem", "CKernels"], exclude: readme, swiftSettings: numericSettings),
        .target(name: "Autograd", dependencies: ["TensorCore"], exclude: readme, swiftSettings: numericSettings),
        .target(name: "NN", dependencies: ["Autograd", "TensorCore"], exclude: readme, swiftSettings: numericSettings),

        // MARK: - Data
        .target(name: "Datasets", dependencies: ["TensorCore", "CZlib"], exclude: readme),

        // MARK: - The GAN lab: models, the one adversarial step, the trainer, judging, the coin game
        .target(name: "GANLab", dependencies: ["NN", "Autograd", "TensorCore", "Datasets"], exclude: readme, swiftSettings: numericSettings),

        // MARK: - Leaves: pictures
        .target(name: "TextPlot", dependencies: ["CZlib"], exclude: readme),
        .target(name: "CellLanguage", exclude: readme),
        // Cells as PyTorch: the translation and whole scripts (`:torch`, `ganbook export --torch`).
        .target(name: "TorchExport", dependencies: ["CellLanguage"], exclude: readme),

        // MARK: - Notebook
        .target(name: "Notebook", dependencies: ["CellLanguage", "GANLab", "NN", "Autograd", "TensorCore", "Datasets", "TextPlot"], exclude: readme),

        // MARK: - Lessons (catalog, parser, the one step machine) and the fuzzers
        .target(name: "Lessons", dependencies: ["Notebook", "CellLanguage", "TensorCore"], exclude: readme),
        .target(name: "Fuzzing", dependencies: ["Notebook", "Datasets", "NN", "TensorCore"], exclude: readme),

        // MARK: - The learner's workspace on disk (variables, networks, GANs, cells)
        .target(name: "Workspace", dependencies: ["Notebook", "GANLab", "NN", "Autograd", "TensorCore", "Datasets", "TextPlot"], exclude: readme),

        // MARK: - Terminal and executable
        .target(name: "Terminal", dependencies: ["Lessons", "Notebook", "Workspace", "CellLanguage", "TorchExport", "GANLab", "NN", "Datasets", "TextPlot", "TensorCore", "CReadline"], exclude: readme),
        .executableTarget(
            name: "ganbook",
            dependencies: [
                "Terminal", "TorchExport", "Workspace", "Lessons", "Fuzzing", "Notebook", "GANLab", "Datasets", "NN", "Autograd", "TensorCore", "TextPlot",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], exclude: readme),

        // MARK: - Tests (Swift Testing, one target per module)
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        // NNTests also pins the reference GAN (GANLab) against the same PyTorch fixture file.
        .testTarget(name: "NNTests", dependencies: ["NN", "GANLab"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "TextPlotTests", dependencies: ["TextPlot", "CZlib"]),
        .testTarget(name: "CellLanguageTests", dependencies: ["CellLanguage"]),
        .testTarget(name: "TorchExportTests", dependencies: ["TorchExport", "Lessons"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "GANLab", "Lessons", "Fuzzing", "TensorCore", "CellLanguage", "TextPlot"]),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace", "Notebook", "GANLab", "NN", "Autograd", "TensorCore", "Datasets"]),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "Workspace", "Lessons", "Notebook", "ganbook"]),
    ]
)
