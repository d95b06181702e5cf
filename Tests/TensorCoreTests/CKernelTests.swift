import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import TensorCore

@Suite("Adam's update in C, against the same arithmetic in Swift")
struct AdamKernelTests {
    /// The update one element at a time, each operation in the kernel's order.
    func reference(
        _ p: inout [Float], _ grad: [Float], _ m: inout [Float], _ v: inout [Float],
        beta1: Float, beta2: Float, stepSize: Float, correction2Root: Float, eps: Float, weightDecay: Float
    ) {
        for j in p.indices {
            let g = weightDecay == 0 ? grad[j] : grad[j] + weightDecay * p[j]
            m[j] = beta1 * m[j] + (1 - beta1) * g
            v[j] = beta2 * v[j] + (1 - beta2) * g * g
            p[j] = p[j] - stepSize * m[j] / (v[j].squareRoot() / correction2Root + eps)
        }
    }

    @Test("bit for bit, over several steps, any length, with and without weight decay",
          arguments: [(1, Float(0)), (7, 0), (1003, 0), (100_003, 0), (1003, 0.01)])
    func bitForBit(count: Int, weightDecay: Float) {
        var g = SeededGenerator(seed: UInt64(count))
        var p = Tensor.randn([count], using: &g).scalars
        let start = p
        var (m, v) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
        var (pr, mr, vr) = (p, m, v)
        for step in 1...3 {
            let grad = Tensor.randn([count], using: &g).scalars
            let stepSize = Float(2e-4 / (1 - pow(0.5, Double(step))))
            let c2 = Float((1 - pow(0.999, Double(step))).squareRoot())
            p.withUnsafeMutableBufferPointer { pb in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        grad.withUnsafeBufferPointer { gb in
                            AdamKernel.update(
                                parameters: pb.baseAddress!, gradient: gb.baseAddress!, firstMoment: mb.baseAddress!,
                                secondMoment: vb.baseAddress!, count: count, beta1: 0.5, beta2: 0.999, stepSize: stepSize,
                                correction2Root: c2, eps: 1e-8, weightDecay: weightDecay)
                        }
                    }
                }
            }
            reference(&pr, grad, &mr, &vr, beta1: 0.5, beta2: 0.999, stepSize: stepSize, correction2Root: c2, eps: 1e-8, weightDecay: weightDecay)
            #expect(p == pr, "step \(step): parameters")
            #expect(m == mr && v == vr, "step \(step): moments")
        }
        // The kernel ran over the whole buffer (a few parameters may come back to where they started).
        #expect(zip(p, start).filter { $0 != $1 }.count >= count * 9 / 10)
    }
}

@Suite("tanh in C, against the double-precision tanh")
struct TanhKernelTests {
    @Test("within one float ulp of tanh over a wide sweep, and exact where tanh is x or ±1")
    func closeToDouble() {
        // 200,001 points from −12 to 12, and a log sweep of small magnitudes of both signs.
        var xs = (0...200_000).map { Float(-12 + 24 * Double($0) / 200_000) }
        xs += (0..<400).flatMap { i -> [Float] in let v = Float(Glibc.pow(10, -30 + Double(i) * 0.075)); return [v, -v] }
        let ys = Tensor(xs).tanh().scalars
        for (x, y) in zip(xs, ys) {
            let exact = Glibc.tanh(Double(x)), rounded = Float(exact)
            let ulp = Double(rounded.magnitude.nextUp - rounded.magnitude)
            #expect(Swift.abs(Double(y) - exact) <= ulp, "tanh(\(x)) = \(y), true \(exact)")
        }
        let specials: [Float] = [0, -0.0, 1e-30, 20, -20, .infinity, -.infinity]
        #expect(Tensor(specials).tanh().scalars == [0, -0.0, 1e-30, 1, -1, 1, -1])
        #expect(Tensor([Float.nan]).tanh().scalars[0].isNaN)
    }
}
