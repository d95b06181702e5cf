/// Convolution, transposed convolution and max pooling: forward and backward, by im2col + GEMM.
/// The autograd layer calls these; `Convolution+Naive.swift` holds the direct loops they are tested against.
public enum Conv {
    /// What a convolution's forward pass keeps for its backward pass.
    public struct Saved: Sendable {
        public let geometry: ConvGeometry
        /// im2col of the input: `[C·kh·kw, N·Ho·Wo]`; nil when the weight's gradient is not wanted.
        public let columns: Tensor?
    }

    /// `x: [N, Cin, H, W]`, `weight: [Cout, Cin, kh, kw]`, `bias: [Cout]?` → `[N, Cout, Ho, Wo]`.
    /// `keepColumns: false` drops the unfolded input at once (a frozen layer needs no weight gradient).
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int,
                              keepColumns: Bool = true) -> (Tensor, Saved) {
        let cout = weight.shape[0]
        let g = ConvGeometry(n: x.shape[0], c: x.shape[1], h: x.shape[2], w: x.shape[3],
                             kh: weight.shape[2], kw: weight.shape[3], stride: stride, padding: padding)
        let columns = Tensor.im2col(x, g)
        let product = Tensor.gemm(weight.reshaped([cout, g.patchSize]), columns)       // [Cout, N·L]
        let out = Tensor.swapLeadingAxes(product, cout, g.n, g.ho * g.wo, addingRowBias: bias)   // [N, Cout, L] + b
        return (out.reshaped([g.n, cout, g.ho, g.wo]), Saved(geometry: g, columns: keepColumns ? columns : nil))
    }

    /// Gradients of `conv2d` from the output gradient `gout: [N, Cout, Ho, Wo]`:
    /// dx `[N, Cin, H, W]`, dweight `[Cout, Cin, kh, kw]`, dbias `[Cout]`.
    public static func conv2dBackward(_ gout: Tensor, weight: Tensor, saved: Saved, needInput: Bool = true,
                                      needWeight: Bool = true) -> (dx: Tensor?, dweight: Tensor?, dbias: Tensor?) {
        let g = saved.geometry, cout = weight.shape[0], l = g.ho * g.wo
        let g2 = Tensor.swapLeadingAxes(gout, g.n, cout, l).reshaped([cout, g.n * l])   // [Cout, N·L]
        precondition(!needWeight || saved.columns != nil, "conv2d: weight gradient requested but columns were not kept")
        let dweight = needWeight ? Tensor.gemm(g2, saved.columns!, transposeB: true).reshaped(weight.shape) : nil
        let dbias = needWeight ? gout.channelSums() : nil
        var dx: Tensor?
        if needInput {
            let dcols = Tensor.gemm(weight.reshaped([cout, g.patchSize]), transposeA: true, g2)  // [Cin·k·k, N·L]
            dx = Tensor.col2im(dcols, g)
        }
        return (dx, dweight, dbias)
    }

    /// Transposed convolution (the gradient of a convolution, used to upsample):
    /// `x: [N, Cin, H, W]`, `weight: [Cin, Cout, kh, kw]` → `[N, Cout, Ho, Wo]`,
    /// Ho = (H − 1)·s − 2p + kh + outputPadding.
    /// Also returns the input in GEMM layout `[Cin, N·H·W]`, which the weight gradient needs again.
    public static func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int,
                                       outputPadding: Int) -> (Tensor, ConvGeometry, inputMatrix: Tensor) {
        let n = x.shape[0], cin = x.shape[1], h = x.shape[2], w = x.shape[3]
        let cout = weight.shape[1], kh = weight.shape[2], kw = weight.shape[3]
        let ho = (h - 1) * stride - 2 * padding + kh + outputPadding
        let wo = (w - 1) * stride - 2 * padding + kw + outputPadding
        // The convolution this one is the adjoint of: from the [Ho, Wo] output back to [H, W].
        let g = ConvGeometry(n: n, c: cout, h: ho, w: wo, kh: kh, kw: kw, stride: stride, padding: padding)
        let x2 = Tensor.swapLeadingAxes(x, n, cin, h * w).reshaped([cin, n * h * w])
        let columns = Tensor.gemm(weight.reshaped([cin, cout * kh * kw]), transposeA: true, x2)  // [Cout·k·k, N·H·W]
        let out = Tensor.col2im(columns, g, bias: bias)
        return (out, g, x2)
    }

    /// Gradients of `convTranspose2d` from `gout: [N, Cout, Ho, Wo]`.
    public static func convTranspose2dBackward(_ gout: Tensor, x: Tensor, inputMatrix x2: Tensor, weight: Tensor,
                                               geometry g: ConvGeometry, needInput: Bool = true, needWeight: Bool = true)
        -> (dx: Tensor?, dweight: Tensor?, dbias: Tensor?) {
        let n = x.shape[0], cin = x.shape[1], h = x.shape[2], w = x.shape[3]
        let dcols = Tensor.im2col(gout, g)                                                 // [Cout·k·k, N·H·W]
        var dweight: Tensor?, dbias: Tensor?
        if needWeight {
            dweight = Tensor.gemm(x2, dcols, transposeB: true).reshaped(weight.shape)      // [Cin, Cout·k·k]
            dbias = gout.channelSums()
        }
        var dx: Tensor?
        if needInput {
            let dx2 = Tensor.gemm(weight.reshaped([cin, g.patchSize]), dcols)              // [Cin, N·H·W]
            dx = Tensor.swapLeadingAxes(dx2, cin, n, h * w).reshaped(x.shape)
        }
        return (dx, dweight, dbias)
    }

    /// Max pooling: `[N, C, H, W]` → `[N, C, Ho, Wo]`, plus where each maximum came from (for backward).
    public static func maxPool2d(_ x: Tensor, kernel: Int, stride: Int) -> (Tensor, [Int32]) {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
        let ho = (h - kernel) / stride + 1, wo = (w - kernel) / stride + 1
        var winners = [Int32](repeating: 0, count: n * c * ho * wo)
        let out = Tensor.build(shape: [n, c, ho, wo]) { out in
            x.scalars.withUnsafeBufferPointer { src in
                for plane in 0..<(n * c) {
                    let p = src.baseAddress! + plane * h * w
                    for oh in 0..<ho {
                        for ow in 0..<wo {
                            var best = -Float.infinity, at = 0
                            for i in 0..<kernel {
                                for j in 0..<kernel {
                                    let idx = (oh * stride + i) * w + ow * stride + j
                                    if p[idx] > best || p[idx].isNaN { best = p[idx]; at = idx }
                                }
                            }
                            let o = (plane * ho + oh) * wo + ow
                            out[o] = best
                            winners[o] = Int32(at)
                        }
                    }
                }
            }
        }
        return (out, winners)
    }

    /// Routes each output gradient back to the input position that won the max.
    public static func maxPool2dBackward(_ gout: Tensor, inputShape: [Int], winners: [Int32]) -> Tensor {
        let plane = inputShape[2] * inputShape[3], outPlane = gout.shape[2] * gout.shape[3]
        var dx = Tensor.zeros(inputShape)
        dx.withUnsafeMutableBufferPointer { d in
            for o in 0..<gout.count {
                d[(o / outPlane) * plane + Int(winners[o])] += gout.scalars[o]
            }
        }
        return dx
    }
}
