/// A labelled image dataset split, as raw bytes straight from its IDX files.
///
/// `pixels`: [count, rows, cols] uint8 0–255, row-major. `labels`: [count] class indices 0–9.
public struct LabeledImages: Sendable {
    public let name: String
    public let count: Int
    public let rows: Int
    public let cols: Int
    public let pixels: [UInt8]
    public let labels: [UInt8]

    public init(name: String, rows: Int, cols: Int, pixels: [UInt8], labels: [UInt8]) {
        precondition(pixels.count == labels.count * rows * cols, "pixels and labels disagree")
        self.name = name
        self.count = labels.count
        self.rows = rows
        self.cols = cols
        self.pixels = pixels
        self.labels = labels
    }

    /// Reads and cross-checks an images file and a labels file (gzip or plain IDX).
    public static func load(
        name: String, images imagesPath: String, labels labelsPath: String,
        classes: Int = 10
    ) throws(DatasetError) -> LabeledImages {
        let images = try IDXArray.read(imagesPath, rank: 3)
        let labels = try IDXArray.read(labelsPath, rank: 1)
        guard images.dims[0] == labels.dims[0] else {
            throw .inconsistent(
                path: labelsPath,
                reason: "\(labels.dims[0]) labels for \(images.dims[0]) images in \(imagesPath)")
        }
        if let bad = labels.bytes.firstIndex(where: { Int($0) >= classes }) {
            throw .inconsistent(path: labelsPath, reason: "label \(labels.bytes[bad]) at index \(bad) is not in 0…\(classes - 1)")
        }
        return LabeledImages(
            name: name, rows: images.dims[1], cols: images.dims[2],
            pixels: images.bytes, labels: labels.bytes)
    }

    /// How many examples of each class: `[count of 0, count of 1, …]`.
    public func countsPerClass(classes: Int = 10) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        for label in labels { counts[Int(label)] += 1 }
        return counts
    }

    /// The pixels of image `index`: [rows, cols] uint8.
    public func image(_ index: Int) -> ArraySlice<UInt8> {
        let size = rows * cols
        return pixels[index * size..<(index + 1) * size]
    }
}
