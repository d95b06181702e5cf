/// Batch-normalisation kernels over the channel axis of `[N, C]` or `[N, C, H, W]` data, one pass per
/// statistic instead of a dozen broadcasting operations. Viewed as `[N, C, L]` with L = H·W (or 1).
public enum BatchNormKernel {
    /// What the forward pass keeps for the backward pass: the input itself (the graph holds it anyway,
    /// so keeping it costs no memory) and the batch statistics, from which backward recomputes
    /// x̂ = (x − μ)/√(σ² + ε) as it goes, as PyTorch does. Keeping x̂ instead cost a second copy of every
    /// BatchNorm input until backward: 8 MB of a DCGAN step's peak at batch 64.
    public struct Saved: Sendable {
        /// The input x.
        public let input: Tensor
        /// μ per channel.
        public let mean: [Float]
        /// 1/√(σ² + ε) per channel.
        public let inverseStd: [Float]
    }

    /// y = x̂·γ + β with the batch's per-channel mean μ and biased variance σ².
    /// Returns y, what backward needs, and (μ, σ²) for the running statistics.
    public static func forward(_ x: Tensor, gamma: Tensor, beta: Tensor, eps: Float)
        -> (y: Tensor, saved: Saved, mean: [Float], variance: [Float])
    {
        let n = x.shape[0], c = x.shape[1], l = x.shape.dropFirst(2).product
        let m = Double(n * l)
        let (sum, sumSquares) = x.withUnsafeBufferPointer { xb in
            channelSums(n: n, c: c, l: l, xb.baseAddress!, xb.baseAddress!, squares: true)
        }
        // Shifted two-pass would be more robust; the mean is subtracted again below in Double.
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        var inverseStd = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            let mu = sum[ch] / m
            let v = Swift.max(sumSquares[ch] / m - mu * mu, 0)
            mean[ch] = Float(mu); variance[ch] = Float(v)
            inverseStd[ch] = Float(1 / (v + Double(eps)).squareRoot())
        }
        // y = x̂·γ + β in one pass.
        let y = Tensor.build(shape: x.shape) { yb in
                x.withUnsafeBufferPointer { xb in
                    gamma.withUnsafeBufferPointer { gm in
                        beta.withUnsafeBufferPointer { bt in
                            let src = xb.baseAddress!, out = yb.baseAddress!
                            parallelChunks(n, work: x.count) { images in
                                for i in images {
                                    if l == 1 {  // BatchNorm1d: a row of channels, vectorised along it
                                        let row = i * c
                                        mean.withUnsafeBufferPointer { mu in
                                            inverseStd.withUnsafeBufferPointer { sd in
                                                for ch in 0..<c {
                                                    out[row + ch] = (src[row + ch] - mu[ch]) * sd[ch] * gm[ch] + bt[ch]
                                                }
                                            }
                                        }
                                        continue
                                    }
                                    for ch in 0..<c {
                                        let base = (i * c + ch) * l
                                        let mu = mean[ch], s = inverseStd[ch], g = gm[ch], b = bt[ch]
                                        for j in base..<(base + l) {
                                            out[j] = (src[j] - mu) * s * g + b
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        return (y, Saved(input: x, mean: mean, inverseStd: inverseStd), mean, variance)
    }

    /// Gradients from g = ∂L/∂y:  ∂β = Σg,  ∂γ = Σ g·x̂,  ∂x = γ/√(σ²+ε) · (g − mean(g) − x̂·mean(g·x̂)),
    /// with x̂ = (x − μ)·s recomputed from the saved input (s = 1/√(σ²+ε)): Σ g·x̂ = s·Σ g·(x − μ), so one
    /// pass over g and x gives both sums.
    public static func backward(_ g: Tensor, gamma: Tensor, saved: Saved) -> (dx: Tensor, dgamma: Tensor, dbeta: Tensor) {
        let x = saved.input
        let n = g.shape[0], c = g.shape[1], l = g.shape.dropFirst(2).product
        let m = Double(n * l)
        let (sumG, sumGCentred) = g.withUnsafeBufferPointer { gb in
            x.withUnsafeBufferPointer { xb in
                channelSums(n: n, c: c, l: l, gb.baseAddress!, xb.baseAddress!, squares: false, shift: saved.mean)
            }
        }
        let sumGHat = (0..<c).map { Double(saved.inverseStd[$0]) * sumGCentred[$0] }
        // Per channel: ∂x = a·(g − mean(g) − x̂·mean(g·x̂)) = a·g + (x − μ)·e + f, with
        // a = γ·s, e = −a·s·mean(g·x̂), f = −a·mean(g): one multiply-add pair per element.
        var a = [Float](repeating: 0, count: c), e = a, f = a
        for ch in 0..<c {
            let s = Double(saved.inverseStd[ch]), scale = Double(gamma.scalars[ch]) * s
            a[ch] = Float(scale)
            e[ch] = Float(-scale * s * sumGHat[ch] / m)
            f[ch] = Float(-scale * sumG[ch] / m)
        }
        let mean = saved.mean
        let dx = Tensor.build(shape: g.shape) { db in
            g.withUnsafeBufferPointer { gb in
                x.withUnsafeBufferPointer { xb in
                    a.withUnsafeBufferPointer { ab in
                        e.withUnsafeBufferPointer { eb in
                            f.withUnsafeBufferPointer { fb in
                                mean.withUnsafeBufferPointer { mb in
                                    let grad = gb.baseAddress!, src = xb.baseAddress!, out = db.baseAddress!
                                    parallelChunks(n, work: g.count) { images in
                                        for i in images {
                                            if l == 1 {  // BatchNorm1d: a row of channels, vectorised along it
                                                let row = i * c
                                                for ch in 0..<c {
                                                    out[row + ch] = ab[ch] * grad[row + ch] + (src[row + ch] - mb[ch]) * eb[ch] + fb[ch]
                                                }
                                                continue
                                            }
                                            for ch in 0..<c {
                                                let base = (i * c + ch) * l
                                                let ac = ab[ch], ec = eb[ch], fc = fb[ch], mu = mb[ch]
                                                for j in base..<(base + l) { out[j] = ac * grad[j] + (src[j] - mu) * ec + fc }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, Tensor(sumGHat.map { Float($0) }), Tensor(sumG.map { Float($0) }))
    }

    /// Per channel of `[N, C, L]` data: (Σa, Σa·a) when `squares`, else (Σa, Σa·(b − shift)), in Double
    /// (`shift`: one value per channel, 0 when nil).
    ///
    /// A single running Float sum waits on each add (4 cycles a step); 16 lanes of SIMD partial sums
    /// do not, and each (image, channel) run of L values is summed in Float before joining the Double
    /// total. With L = 1 (BatchNorm1d) the runs are whole rows of channels, summed column-wise.
    static func channelSums(
        n: Int, c: Int, l: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        squares: Bool, shift: [Float]? = nil
    ) -> (first: [Double], second: [Double]) {
        var first = [Double](repeating: 0, count: c), second = [Double](repeating: 0, count: c)
        // One plain buffer of shifts (zeros when none): an optional array read in the inner loop retained
        // and released it at every element, 8× slower on BatchNorm1d's rows.
        let shifts = shift ?? [Float](repeating: 0, count: c)
        first.withUnsafeMutableBufferPointer { f in
            second.withUnsafeMutableBufferPointer { s in
                shifts.withUnsafeBufferPointer { sh in
                    let f = f.baseAddress!, s = s.baseAddress!, sh = sh.baseAddress!
                    parallelChunks(c, work: n * c * l) { channels in
                        if l == 1 {
                            for i in 0..<n {
                                let rowA = a + i * c, rowB = squares ? rowA : b + i * c
                                for ch in channels {
                                    let v = rowA[ch]
                                    f[ch] += Double(v); s[ch] += Double(v * (rowB[ch] - sh[ch]))
                                }
                            }
                            return
                        }
                        for i in 0..<n {
                            for ch in channels {
                                let base = (i * c + ch) * l
                                let (x, y) = Sums.sumAndDot(a + base, squares ? a + base : b + base, l, shift: sh[ch])
                                f[ch] += Double(x); s[ch] += Double(y)
                            }
                        }
                    }
                }
            }
        }
        return (first, second)
    }
}
