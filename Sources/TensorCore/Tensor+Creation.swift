extension Tensor {
    /// All zeros: `shape`.
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    /// All ones: `shape`.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }
    /// Every element `value`: `shape`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape, scalars: [Float](repeating: value, count: shape.product))
    }

    /// `start, start+step, …` below `end` (as numpy/PyTorch `arange`): `[n]`.
    public static func arange(_ start: Float, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "arange step must not be 0")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<n).map { start + Float($0) * step })
    }

    /// `count` evenly spaced values from `start` to `end` inclusive: `[count]`.
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        precondition(count >= 0, "linspace count must not be negative")
        if count == 1 { return Tensor([start]) }
        let step = (end - start) / Float(count - 1)
        return Tensor((0..<count).map { $0 == count - 1 ? end : start + Float($0) * step })
    }

    /// The identity matrix: `[n, n]`.
    public static func eye(_ n: Int) -> Tensor {
        var t = zeros([n, n])
        for i in 0..<n { t.scalars[i * n + i] = 1 }
        return t
    }

    /// Uniform in [low, high): `shape`.
    public static func rand(_ shape: [Int], low: Float = 0, high: Float = 1, using g: inout SeededGenerator) -> Tensor {
        build(shape: shape) { out in
            for i in out.indices { out[i] = low + (high - low) * g.nextUniform() }
        }
    }

    /// Normal with the given mean and standard deviation: `shape`.
    public static func randn(_ shape: [Int], mean: Float = 0, std: Float = 1, using g: inout SeededGenerator) -> Tensor {
        build(shape: shape) { out in g.fillNormal(out, mean: mean, std: std) }
    }

    /// Random integers in [low, high), as floats: `shape`.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], using g: inout SeededGenerator) -> Tensor {
        precondition(high > low, "randint needs high > low")
        let span = UInt64(high - low)
        return build(shape: shape) { out in
            for i in out.indices { out[i] = Float(low + Int(g.next() % span)) }
        }
    }
}
