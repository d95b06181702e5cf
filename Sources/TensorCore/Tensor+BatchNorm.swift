/// Batch-normalisation kernels over the channel axis of `[N, C]` or `[N, C, H, W]` data, one pass per
/// statistic instead of a dozen broadcasting operations. Viewed as `[N, C, L]` with L = H·W (or 1).
public enum BatchNormKernel {
    /// What the forward pass keeps for the backward pass.
    public struct Saved: Sendable {
        /// The normalised input x̂ = (x − μ)/√(σ² + ε): same shape as x.
        public let normalized: Tensor
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
        // x̂ and y = x̂·γ + β in one pass.
        var normalized = Tensor.zeros([0])
        let y = Tensor.build(shape: x.shape) { yb in
            normalized = Tensor.build(shape: x.shape) { nb in
                x.withUnsafeBufferPointer { xb in
                    gamma.withUnsafeBufferPointer { gm in
                        beta.withUnsafeBufferPointer { bt in
                            let src = xb.baseAddress!, hat = nb.baseAddress!, out = yb.baseAddress!
                            parallelChunks(n, work: x.count) { images in
                                for i in images {
                                    if l == 1 {  // BatchNorm1d: a row of channels, vectorised along it
                                        let row = i * c
                                        mean.withUnsafeBufferPointer { mu in
                                            inverseStd.withUnsafeBufferPointer { sd in
                                                for ch in 0..<c {
                                                    let h = (src[row + ch] - mu[ch]) * sd[ch]
                                                    hat[row + ch] = h
                                                    out[row + ch] = h * gm[ch] + bt[ch]
                                                }
                                            }
                                        }
                                        continue
                                    }
                                    for ch in 0..<c {
                                        let base = (i * c + ch) * l
                                        let mu = mean[ch], s = inverseStd[ch], g = gm[ch], b = bt[ch]
                                        for j in base..<(base + l) {
                                            let h = (src[j] - mu) * s
                                            hat[j] = h
                                            out[j] = h * g + b
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (y, Saved(normalized: normalized, inverseStd: inverseStd), mean, variance)
    }

    /// Gradients from g = ∂L/∂y:  ∂β = Σg,  ∂γ = Σ g·x̂,  ∂x = γ/√(σ²+ε) · (g − mean(g) − x̂·mean(g·x̂)).
    public static func backward(_ g: Tensor, gamma: Tensor, saved: Saved) -> (dx: Tensor, dgamma: Tensor, dbeta: Tensor) {
        let xhat = saved.normalized
        let n = g.shape[0], c = g.shape[1], l = g.shape.dropFirst(2).product
        let m = Float(n * l)
        let (sumG, sumGX) = g.withUnsafeBufferPointer { gb in
            xhat.withUnsafeBufferPointer { hb in
                channelSums(n: n, c: c, l: l, gb.baseAddress!, hb.baseAddress!, squares: false)
            }
        }
        // Per channel: ∂x = scale·(g − mean(g) − x̂·mean(g·x̂)), scale = γ/√(σ²+ε).
        let scale = (0..<c).map { gamma.scalars[$0] * saved.inverseStd[$0] }
        let meanG = sumG.map { Float($0) / m }, meanGX = sumGX.map { Float($0) / m }
        let dx = Tensor.build(shape: g.shape) { db in
            g.withUnsafeBufferPointer { gb in
                xhat.withUnsafeBufferPointer { hb in
                    scale.withUnsafeBufferPointer { sc in
                        meanG.withUnsafeBufferPointer { mg in
                            meanGX.withUnsafeBufferPointer { mgx in
                                let grad = gb.baseAddress!, hat = hb.baseAddress!, out = db.baseAddress!
                                parallelChunks(n, work: g.count) { images in
                                    for i in images {
                                        if l == 1 {  // BatchNorm1d: a row of channels, vectorised along it
                                            let row = i * c
                                            for ch in 0..<c {
                                                out[row + ch] = sc[ch] * (grad[row + ch] - mg[ch] - hat[row + ch] * mgx[ch])
                                            }
                                            continue
                                        }
                                        for ch in 0..<c {
                                            let base = (i * c + ch) * l
                                            let a = sc[ch], b = mg[ch], d = mgx[ch]
                                            for j in base..<(base + l) { out[j] = a * (grad[j] - b - hat[j] * d) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (dx, Tensor(sumGX.map { Float($0) }), Tensor(sumG.map { Float($0) }))
    }

    /// Per channel of `[N, C, L]` data: (Σa, Σa·a) when `squares`, else (Σa, Σa·b), in Double.
    ///
    /// A single running Float sum waits on each add (4 cycles a step); 16 lanes of SIMD partial sums
    /// do not, and each (image, channel) run of L values is summed in Float before joining the Double
    /// total. With L = 1 (BatchNorm1d) the runs are whole rows of channels, summed column-wise.
    static func channelSums(
        n: Int, c: Int, l: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
        squares: Bool
    ) -> (first: [Double], second: [Double]) {
        var first = [Double](repeating: 0, count: c), second = [Double](repeating: 0, count: c)
        first.withUnsafeMutableBufferPointer { f in
            second.withUnsafeMutableBufferPointer { s in
                let f = f.baseAddress!, s = s.baseAddress!
                parallelChunks(c, work: n * c * l) { channels in
                    if l == 1 {
                        for i in 0..<n {
                            let rowA = a + i * c, rowB = squares ? rowA : b + i * c
                            for ch in channels {
                                let v = rowA[ch]
                                f[ch] += Double(v); s[ch] += Double(v * rowB[ch])
                            }
                        }
                        return
                    }
                    for i in 0..<n {
                        for ch in channels {
                            let base = (i * c + ch) * l
                            let (x, y) = Sums.sumAndDot(a + base, squares ? a + base : b + base, l)
                            f[ch] += Double(x); s[ch] += Double(y)
                        }
                    }
                }
            }
        }
        return (first, second)
    }
}
