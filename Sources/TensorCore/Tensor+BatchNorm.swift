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
        -> (y: Tensor, saved: Saved, mean: [Float], variance: [Float]) {
        let n = x.shape[0], c = x.shape[1], l = x.shape.dropFirst(2).product
        let m = Double(n * l)
        var sum = [Double](repeating: 0, count: c), sumSquares = [Double](repeating: 0, count: c)
        x.withUnsafeBufferPointer { xb in
            sum.withUnsafeMutableBufferPointer { sum in
                sumSquares.withUnsafeMutableBufferPointer { sumSquares in
                    parallelChunks(c, work: x.count) { channels in
                        for i in 0..<n {
                            for ch in channels {
                                let base = (i * c + ch) * l
                                var s: Float = 0, q: Float = 0
                                for j in 0..<l { let v = xb[base + j]; s += v; q += v * v }
                                sum[ch] += Double(s); sumSquares[ch] += Double(q)
                            }
                        }
                    }
                }
            }
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
        var normalized = x
        var y = x
        normalized.withUnsafeMutableBufferPointer { nb in
            y.withUnsafeMutableBufferPointer { yb in
                parallelChunks(c, work: x.count) { channels in
                for i in 0..<n {
                    for ch in channels {
                        let base = (i * c + ch) * l
                        let mu = mean[ch], s = inverseStd[ch], gm = gamma.scalars[ch], bt = beta.scalars[ch]
                        for j in 0..<l {
                            let h = (nb[base + j] - mu) * s
                            nb[base + j] = h
                            yb[base + j] = h * gm + bt
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
        var sumG = [Double](repeating: 0, count: c), sumGX = [Double](repeating: 0, count: c)
        g.withUnsafeBufferPointer { gb in
            xhat.withUnsafeBufferPointer { hb in
                sumG.withUnsafeMutableBufferPointer { sumG in
                    sumGX.withUnsafeMutableBufferPointer { sumGX in
                        parallelChunks(c, work: g.count) { channels in
                            for i in 0..<n {
                                for ch in channels {
                                    let base = (i * c + ch) * l
                                    var s: Float = 0, q: Float = 0
                                    for j in 0..<l { s += gb[base + j]; q += gb[base + j] * hb[base + j] }
                                    sumG[ch] += Double(s); sumGX[ch] += Double(q)
                                }
                            }
                        }
                    }
                }
            }
        }
        var dx = g
        dx.withUnsafeMutableBufferPointer { db in
            xhat.withUnsafeBufferPointer { hb in
                parallelChunks(c, work: g.count) { channels in
                for i in 0..<n {
                    for ch in channels {
                        let base = (i * c + ch) * l
                        let scale = gamma.scalars[ch] * saved.inverseStd[ch]
                        let meanG = Float(sumG[ch]) / m, meanGX = Float(sumGX[ch]) / m
                        for j in 0..<l { db[base + j] = scale * (db[base + j] - meanG - hb[base + j] * meanGX) }
                    }
                }
                }
            }
        }
        return (dx, Tensor(sumGX.map { Float($0) }), Tensor(sumG.map { Float($0) }))
    }
}
