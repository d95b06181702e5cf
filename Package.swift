// swift-tools-version:6.0
// ganbook — a terminal notebook that teaches how neural networks learn to draw.
// Modules depend one way, top to bottom in this file:
//   C shims → TensorCore → Autograd → NN → Datasets → TextPlot / CellLanguage → Notebook → REPL → ganbook
import PackageDescription

/// Optimise numeric modules hard in release builds: bounds checks stay on in debug (where the
/// tests catch mistakes) and are removed in release, where the engine's hot loops live.
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "ganbook",
    products: [
        .executable(name: "ganbook", targets: ["ganbook"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: - C shims
        .systemLibrary(name: "CReadline", path: "Sources/CReadline",
                       providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),

        // MARK: - Engine
        .target(name: "TensorCore", dependencies: ["CBLAS", "CSystem"], swiftSettings: numericSettings),
        .target(name: "Autograd", dependencies: ["TensorCore"], swiftSettings: numericSettings),
        .target(name: "NN", dependencies: ["Autograd", "TensorCore"], swiftSettings: numericSettings),

        // MARK: - Data
        .target(name: "Datasets", dependencies: ["TensorCore", "CZlib"]),

        // MARK: - Leaves: pictures
        .target(name: "TextPlot", dependencies: ["CZlib"]),
        .target(name: "CellLanguage"),

        // MARK: - Notebook
        .target(name: "Notebook", dependencies: ["CellLanguage", "NN", "Autograd", "TensorCore", "Datasets", "TextPlot"]),

        // MARK: - Terminal and executable
        .target(name: "REPL", dependencies: ["Notebook", "Datasets", "TextPlot", "TensorCore", "CReadline"]),
        .executableTarget(name: "ganbook", dependencies: [
            "REPL", "Notebook", "Datasets", "NN", "Autograd", "TensorCore", "TextPlot",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Tests (Swift Testing, one target per module)
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "NNTests", dependencies: ["NN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets"]),
        .testTarget(name: "TextPlotTests", dependencies: ["TextPlot", "CZlib"]),
        .testTarget(name: "CellLanguageTests", dependencies: ["CellLanguage"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "TensorCore", "CellLanguage"]),
        .testTarget(name: "REPLTests", dependencies: ["REPL", "Notebook", "ganbook"]),
    ]
)
