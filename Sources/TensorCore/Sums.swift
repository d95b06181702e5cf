/// Sums of float runs that do not wait on each other. A single running Float sum stalls on every
/// add (about 4 cycles each); 16 lanes of SIMD partial sums keep the adder busy, 10–20× faster on the
/// 49–784-long runs of an image plane. Rounding differs from a left-to-right sum by a few ulps.
enum Sums {
    /// Σa over `count` floats.
    @inline(__always)
    static func sum(_ a: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD16<Float>()
        var j = 0
        while j + 16 <= count {
            lanes += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self)
            j += 16
        }
        var total = lanes.sum()
        while j < count { total += a[j]; j += 1 }
        return total
    }

    /// (Σa, Σa·(b − shift)) over `count` floats. Subtracting before multiplying keeps a sum of
    /// products of centred values exact where Σa·b − shift·Σa would cancel (b far from 0, close to shift).
    @inline(__always)
    static func sumAndDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int, shift: Float = 0) -> (Float, Float) {
        var sa = SIMD16<Float>(), sab = SIMD16<Float>()
        let vshift = SIMD16<Float>(repeating: shift)
        var j = 0
        while j + 16 <= count {
            let va = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD16<Float>.self)
            let vb = UnsafeRawPointer(b + j).loadUnaligned(as: SIMD16<Float>.self)
            sa += va
            sab = sab.addingProduct(va, vb - vshift)
            j += 16
        }
        var ta = sa.sum(), tab = sab.sum()
        while j < count { ta += a[j]; tab += a[j] * (b[j] - shift); j += 1 }
        return (ta, tab)
    }
}
