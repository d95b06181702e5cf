/// The activation functions and their derivatives as plain loops. They run on every layer of every
/// step, so they avoid the generic `map`/`zip` (whose closure is an indirect call per element once the
/// loop is split across threads).
extension Tensor {
    /// x if x > 0 else slope·x (slope 0: ReLU).
    public func leakyRelu(_ slope: Float = 0.01) -> Tensor {
        Tensor.build(shape: shape) { out in
            let o = out.baseAddress!
            scalars.withUnsafeBufferPointer { xb in
                let x = xb.baseAddress!
                parallelChunks(xb.count) { range in
                    for i in range { let v = x[i]; o[i] = v > 0 ? v : slope * v }
                }
            }
        }
    }

    public func relu() -> Tensor { leakyRelu(0) }

    /// g where x > 0, slope·g elsewhere: the gradient through `leakyRelu(slope)` (slope 0: ReLU).
    public static func leakyReluBackward(_ g: Tensor, input x: Tensor, slope: Float) -> Tensor {
        build(shape: g.shape) { out in
            let o = out.baseAddress!
            g.scalars.withUnsafeBufferPointer { gb in
                x.scalars.withUnsafeBufferPointer { xb in
                    let gp = gb.baseAddress!, xp = xb.baseAddress!
                    parallelChunks(gb.count) { range in
                        for i in range { o[i] = xp[i] > 0 ? gp[i] : slope * gp[i] }
                    }
                }
            }
        }
    }

    /// g·(1 − y²) for y = tanh x: the gradient through tanh, from its output.
    public static func tanhBackward(_ g: Tensor, output y: Tensor) -> Tensor {
        build(shape: g.shape) { out in
            let o = out.baseAddress!
            g.scalars.withUnsafeBufferPointer { gb in
                y.scalars.withUnsafeBufferPointer { yb in
                    let gp = gb.baseAddress!, yp = yb.baseAddress!
                    parallelChunks(gb.count) { range in
                        for i in range { o[i] = gp[i] * (1 - yp[i] * yp[i]) }
                    }
                }
            }
        }
    }
}
