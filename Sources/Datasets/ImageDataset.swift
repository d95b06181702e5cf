/// A dataset of labelled images: its training split, its test split, which dataset it is (for the
/// names of its classes) and where it was read from.
public final class ImageDataset {
    public let name: DatasetName
    public let train: LabeledImages
    public let test: LabeledImages
    /// Where the files came from, for messages ("datasets/mnist", "synthetic").
    public let source: String
    public init(name: DatasetName, train: LabeledImages, test: LabeledImages, source: String) {
        (self.name, self.train, self.test, self.source) = (name, train, test, source)
    }
}
