/// Direct convolutions in Double: the slow, obvious loops the im2col + GEMM path is tested against.
extension Conv {
    /// `x: [N, Cin, H, W]`, `weight: [Cout, Cin, kh, kw]` → `[N, Cout, Ho, Wo]`.
    public static func naiveConv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int) -> Tensor {
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (weight.shape[0], weight.shape[2], weight.shape[3])
        let ho = (h + 2 * padding - kh) / stride + 1, wo = (w + 2 * padding - kw) / stride + 1
        var out = [Float](repeating: 0, count: n * cout * ho * wo)
        for b in 0..<n {
            for co in 0..<cout {
                for oh in 0..<ho {
                    for ow in 0..<wo {
                        var s = Double(bias?.scalars[co] ?? 0)
                        for ci in 0..<cin {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let ih = oh * stride - padding + i, iw = ow * stride - padding + j
                                    guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                    s += Double(x.scalars[((b * cin + ci) * h + ih) * w + iw]) * Double(weight.scalars[((co * cin + ci) * kh + i) * kw + j])
                                }
                            }
                        }
                        out[((b * cout + co) * ho + oh) * wo + ow] = Float(s)
                    }
                }
            }
        }
        return Tensor(shape: [n, cout, ho, wo], scalars: out)
    }

    /// `x: [N, Cin, H, W]`, `weight: [Cin, Cout, kh, kw]` → `[N, Cout, Ho, Wo]`: every input pixel
    /// scatters a weighted copy of the kernel into the output at (ih·s − p + i, iw·s − p + j).
    public static func naiveConvTranspose2d(
        _ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int,
        outputPadding: Int
    ) -> Tensor {
        let (n, cin, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (cout, kh, kw) = (weight.shape[1], weight.shape[2], weight.shape[3])
        let ho = (h - 1) * stride - 2 * padding + kh + outputPadding
        let wo = (w - 1) * stride - 2 * padding + kw + outputPadding
        var out = [Double](repeating: 0, count: n * cout * ho * wo)
        for b in 0..<n {
            for ci in 0..<cin {
                for ih in 0..<h {
                    for iw in 0..<w {
                        let v = Double(x.scalars[((b * cin + ci) * h + ih) * w + iw])
                        for co in 0..<cout {
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let oh = ih * stride - padding + i, ow = iw * stride - padding + j
                                    guard oh >= 0, oh < ho, ow >= 0, ow < wo else { continue }
                                    out[((b * cout + co) * ho + oh) * wo + ow] += v * Double(weight.scalars[((ci * cout + co) * kh + i) * kw + j])
                                }
                            }
                        }
                    }
                }
            }
        }
        if let bias {
            for b in 0..<n { for co in 0..<cout { for p in 0..<(ho * wo) { out[(b * cout + co) * ho * wo + p] += Double(bias.scalars[co]) } } }
        }
        return Tensor(shape: [n, cout, ho, wo], scalars: out.map { Float($0) })
    }
}
