import TensorCore

extension LabeledImages {
    /// All images as a tensor `[N, 1, rows, cols]`, pixels mapped from 0…255 to `range` (default [−1, 1], the GAN's tanh range).
    public func imageTensor(range: ClosedRange<Float> = -1...1) -> Tensor {
        let scale = (range.upperBound - range.lowerBound) / 255
        return Tensor.build(shape: [count, 1, rows, cols]) { out in
            for i in 0..<pixels.count { out[i] = range.lowerBound + Float(pixels[i]) * scale }
        }
    }

    /// Some images as a tensor `[k, 1, rows, cols]` scaled to `range`, converted from the bytes only now
    /// (a dataset kept as bytes takes a quarter of the memory of one kept as floats).
    public func imageBatch(_ indices: [Int], range: ClosedRange<Float> = -1...1) -> Tensor {
        let scale = (range.upperBound - range.lowerBound) / 255, size = rows * cols
        return Tensor.build(shape: [indices.count, 1, rows, cols]) { out in
            for (k, index) in indices.enumerated() {
                for p in 0..<size { out[k * size + p] = range.lowerBound + Float(pixels[index * size + p]) * scale }
            }
        }
    }

    /// The labels of some examples as a tensor `[k]` of class indices.
    public func labelBatch(_ indices: [Int]) -> Tensor { Tensor(indices.map { Float(labels[$0]) }) }

    /// The labels as a tensor `[N]` of class indices.
    public func labelTensor() -> Tensor { Tensor(labels.map { Float($0) }) }
}

/// Draws shuffled minibatches, epoch after epoch, from a seeded generator (reproducible order).
public struct BatchSampler: Sendable, Codable {
    public let count: Int
    public let batchSize: Int
    private var order: [Int] = []
    private var position = 0
    public private(set) var generator: SeededGenerator
    /// Completed passes over the data.
    public private(set) var epoch = 0

    public init(count: Int, batchSize: Int, seed: UInt64) {
        precondition(count >= batchSize && batchSize > 0, "need at least one full batch")
        self.count = count
        self.batchSize = batchSize
        self.generator = SeededGenerator(seed: seed)
        reshuffle()
    }

    /// The indices of the next batch. Drops the incomplete last batch of an epoch, as `drop_last=True`.
    public mutating func next() -> [Int] {
        if position + batchSize > count {
            epoch += 1
            reshuffle()
        }
        defer { position += batchSize }
        return Array(order[position..<(position + batchSize)])
    }

    /// What is wrong with a sampler read back from a file, for a dataset of `datasetCount` examples and
    /// batches of `batchSize` (nil: nothing). A decoded sampler is only data: its order must be a
    /// permutation of the examples and its position inside it, or `next()` would read out of bounds.
    public func problem(datasetCount: Int, batchSize expected: Int) -> String? {
        if count != datasetCount { return "is for \(count) examples, the dataset has \(datasetCount)" }
        if batchSize != expected { return "draws batches of \(batchSize), the checkpoint's batch is \(expected)" }
        if batchSize < 1 || batchSize > count { return "has batch size \(batchSize) for \(count) examples" }
        if order.count != count { return "has an order of \(order.count) indices for \(count) examples" }
        if position < 0 || position > count { return "has position \(position), outside 0…\(count)" }
        if epoch < 0 { return "has a negative epoch \(epoch)" }
        if !generator.isUsable { return "has a random generator state of all zeros (it would only ever draw 0)" }
        var seen = [Bool](repeating: false, count: count)
        for i in order {
            guard i >= 0, i < count, !seen[i] else { return "has an order that is not a permutation of 0…\(count - 1)" }
            seen[i] = true
        }
        return nil
    }

    private mutating func reshuffle() {
        order = Array(0..<count)
        // Fisher–Yates with our own generator, so the order is the same on every platform.
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            order.swapAt(i, j)
        }
        position = 0
    }
}
