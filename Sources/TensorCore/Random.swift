/// A small, fast, seedable random generator (xoshiro256**), so every random tensor is reproducible.
///
/// Every random function in the engine takes one of these explicitly; the notebook session owns one
/// and shows its seed. Its whole state is four words, so snapshots (undo, checkpoints) are cheap.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable, Codable {
    public var state: (UInt64, UInt64, UInt64, UInt64)
    /// A normal deviate left over from the last Box–Muller pair.
    var spareNormal: Float?

    public init(seed: UInt64) {
        // SplitMix64 spreads the seed over the four state words (never all zero).
        var s = seed
        func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
        spareNormal = nil
    }

    /// False for a state read from a file that xoshiro cannot use: all four words zero (it would draw
    /// only zeros, and `nextNormal` would loop forever waiting for a non-zero uniform), or a spare
    /// normal that is not a finite number.
    public var isUsable: Bool {
        (state.0 | state.1 | state.2 | state.3) != 0 && (spareNormal?.isFinite ?? true)
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits (every Float in the grid is equally likely).
    public mutating func nextUniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Standard normal N(0, 1), by the Box–Muller transform (pairs; the second is kept for next time).
    public mutating func nextNormal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let (u1, u2) = nextUniformPair()
        let (first, second) = SeededGenerator.boxMuller(u1, u2)
        spareNormal = second
        return first
    }

    /// The two uniforms of one Box–Muller pair: u1 in (0, 1), never 0 (its logarithm is taken).
    @inline(__always)
    mutating func nextUniformPair() -> (Float, Float) {
        var u1: Float = 0
        repeat { u1 = nextUniform() } while u1 <= .leastNormalMagnitude
        return (u1, nextUniform())
    }

    /// Two independent N(0, 1) deviates from two uniforms: r·cos θ (returned first) and r·sin θ.
    @inline(__always)
    static func boxMuller(_ u1: Float, _ u2: Float) -> (Float, Float) {
        let radius = (-2 * logf(u1)).squareRoot()
        let angle = 2 * Float.pi * u2
        return (radius * cosf(angle), radius * sinf(angle))
    }

    /// Fills `out` with `mean + std · z`, the same numbers, bit for bit, as `out.count` calls of
    /// `mean + std * nextNormal()`, and leaves the generator in the same state (spare included).
    ///
    /// The uniforms are drawn in order first (xoshiro is cheap and sequential), then turned into
    /// normals on the engine's threads: the logarithm, sine and cosine are most of the cost (a DCGAN's
    /// ~900,000 initial weights took 12–25 ms one by one).
    public mutating func fillNormal(_ out: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float = 1) {
        guard let base = out.baseAddress, out.count > 0 else { return }
        var start = 0
        if let spare = spareNormal {
            spareNormal = nil
            base[0] = mean + std * spare
            start = 1
        }
        let pairs = (out.count - start) / 2
        // Each pair's uniforms wait in the two places its normals will go.
        for p in 0..<pairs {
            let (u1, u2) = nextUniformPair()
            base[start + 2 * p] = u1
            base[start + 2 * p + 1] = u2
        }
        let pairsAt = base + start
        parallelChunks(pairs, work: pairs * 16) { range in
            for p in range {
                let (first, second) = SeededGenerator.boxMuller(pairsAt[2 * p], pairsAt[2 * p + 1])
                pairsAt[2 * p] = mean + std * first
                pairsAt[2 * p + 1] = mean + std * second
            }
        }
        if (out.count - start) % 2 == 1 {
            let (u1, u2) = nextUniformPair()
            let (first, second) = SeededGenerator.boxMuller(u1, u2)
            base[out.count - 1] = mean + std * first
            spareNormal = second
        }
    }

    // Codable by hand: the state is a tuple. Saved with checkpoints so a resumed run draws the same numbers.
    enum CodingKeys: String, CodingKey { case state, spare }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let words = try c.decode([UInt64].self, forKey: .state)
        guard words.count == 4 else { throw DecodingError.dataCorruptedError(forKey: .state, in: c, debugDescription: "needs 4 words") }
        state = (words[0], words[1], words[2], words[3])
        spareNormal = try c.decodeIfPresent(Float.self, forKey: .spare)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([state.0, state.1, state.2, state.3], forKey: .state)
        try c.encodeIfPresent(spareNormal, forKey: .spare)
    }

    public static func == (a: SeededGenerator, b: SeededGenerator) -> Bool {
        a.state == b.state && a.spareNormal == b.spareNormal
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
