import CKernels

#if canImport(Glibc)
    import Glibc
#endif

// MARK: - Element-wise maps

extension Tensor {
    /// `f` applied to every element; the shape is unchanged. `cost`: roughly how many simple
    /// operations `f` is worth (a libm call such as `tanhf` is ~16), so that threads are woken for
    /// expensive functions on arrays that would be too small to split for cheap ones.
    @inlinable @inline(__always)
    public func map(cost: Int = 1, _ f: (Float) -> Float) -> Tensor {
        Tensor.build(shape: shape) { out in
            scalars.withUnsafeBufferPointer { x in
                parallelChunks(x.count, work: x.count * cost) { range in
                    for i in range { out[i] = f(x[i]) }
                }
            }
        }
    }

    public func exp() -> Tensor { map(cost: 16) { Glibc.expf($0) } }
    public func log() -> Tensor { map(cost: 16) { Glibc.logf($0) } }
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    public func abs() -> Tensor { map { Swift.abs($0) } }
    public func pow(_ p: Float) -> Tensor {
        if p == 2 { return map { $0 * $0 } }
        return map(cost: 16) { Glibc.powf($0, p) }
    }
    /// In C (`ganbook_tanh`): computed in double and rounded once, it vectorises where glibc's `tanhf`
    /// is a call per element (4× faster on one core here; G's last layer in every step).
    public func tanh() -> Tensor {
        Tensor.build(shape: shape) { out in
            scalars.withUnsafeBufferPointer { x in
                parallelChunks(x.count, work: x.count * 4) { range in
                    ganbook_tanh(x.baseAddress! + range.lowerBound, out.baseAddress! + range.lowerBound, range.count)
                }
            }
        }
    }
    /// 1 / (1 + e^-x), computed without overflow for large |x|.
    public func sigmoid() -> Tensor {
        map(cost: 16) { x in
            x >= 0
                ? 1 / (1 + Glibc.expf(-x))
                : {
                    let e = Glibc.expf(x); return e / (1 + e)
                }()
        }
    }
    public func clamp(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        map { Swift.min(Swift.max($0, low), high) }
    }
    /// 1 where the element is positive, else 0 (the step function; relu's derivative).
    public func step() -> Tensor { map { $0 > 0 ? 1 : 0 } }
    /// -1, 0 or 1.
    public func sign() -> Tensor { map { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 } }

    public static prefix func - (x: Tensor) -> Tensor { x.map { -$0 } }
}

// MARK: - Broadcasting binary operations

extension Tensor {
    /// This tensor repeated to `target` (which it must broadcast to).
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let s = Tensor.broadcastStrides(shape, to: target)
        return Tensor.build(shape: target) { out in
            scalars.withUnsafeBufferPointer { src in
                var o = 0
                forEachOffset(shape: target, strides: s) { offset, step, n in
                    for j in 0..<n { out[o + j] = src[offset + j * step] }
                    o += n
                }
            }
        }
    }

    /// Strides for reading a tensor of `shape` as if it had shape `target`: 0 along broadcast axes.
    @usableFromInline
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = Tensor.strides(of: shape)
        let lead = target.count - shape.count
        precondition(lead >= 0, "can't broadcast \(describe(shape)) to \(describe(target))")
        return (0..<target.count).map { i in
            i < lead ? 0 : (shape[i - lead] == 1 && target[i] != 1 ? 0 : own[i - lead])
        }
    }

    /// `f(a, b)` element by element, broadcasting NumPy-style. Traps on incompatible shapes (see `broadcastShape`).
    @inlinable @inline(__always)
    public static func zip(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape {
            return build(shape: a.shape) { out in
                a.scalars.withUnsafeBufferPointer { x in
                    b.scalars.withUnsafeBufferPointer { y in
                        parallelChunks(x.count) { range in
                            for i in range { out[i] = f(x[i], y[i]) }
                        }
                    }
                }
            }
        }
        if b.count == 1 && b.rank <= a.rank {
            let y = b.scalars[0]
            return a.map { f($0, y) }.reshaped(try! broadcastShape(a.shape, b.shape))
        }
        if a.count == 1 && a.rank <= b.rank {
            let x = a.scalars[0]
            return b.map { f(x, $0) }.reshaped(try! broadcastShape(a.shape, b.shape))
        }
        let shape: [Int]
        do { shape = try broadcastShape(a.shape, b.shape) } catch { preconditionFailure("\(error)") }
        let sa = broadcastStrides(a.shape, to: shape), sb = broadcastStrides(b.shape, to: shape)
        return build(shape: shape) { out in
            a.scalars.withUnsafeBufferPointer { x in
                b.scalars.withUnsafeBufferPointer { y in
                    // Walk a and b together: same odometer, two stride sets.
                    var o = 0
                    var ib = 0
                    let rank = shape.count
                    var index = [Int](repeating: 0, count: rank)
                    var ia = 0
                    let inner = shape[rank - 1], stepA = sa[rank - 1], stepB = sb[rank - 1]
                    if out.isEmpty { return }  // any zero size: [0, 53] + [53] has no rows to walk
                    while true {
                        for j in 0..<inner { out[o + j] = f(x[ia + j * stepA], y[ib + j * stepB]) }
                        o += inner
                        var axis = rank - 2
                        while axis >= 0 {
                            index[axis] += 1
                            ia += sa[axis]; ib += sb[axis]
                            if index[axis] < shape[axis] { break }
                            ia -= sa[axis] * shape[axis]; ib -= sb[axis] * shape[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                        if axis < 0 { return }
                    }
                }
            }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { zip(a, b, +) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { zip(a, b, -) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { zip(a, b, *) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { zip(a, b, /) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }

    /// In place `self += other` when shapes match (gradient accumulation, optimizer updates).
    public mutating func addInPlace(_ other: Tensor, scale: Float = 1) {
        precondition(shape == other.shape, "addInPlace: \(describe(shape)) vs \(describe(other.shape))")
        other.scalars.withUnsafeBufferPointer { y in
            scalars.withUnsafeMutableBufferPointer { x in
                parallelChunks(x.count) { range in
                    for i in range { x[i] += scale * y[i] }
                }
            }
        }
    }

    /// Element-wise maximum with broadcasting.
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { zip(a, b) { Swift.max($0, $1) } }

    // Comparisons give 1 where true, 0 where false (as floats), broadcasting.
    public static func .== (a: Tensor, b: Tensor) -> Tensor { zip(a, b) { $0 == $1 ? 1 : 0 } }
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { zip(a, b) { $0 != $1 ? 1 : 0 } }
    public static func .< (a: Tensor, b: Tensor) -> Tensor { zip(a, b) { $0 < $1 ? 1 : 0 } }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { zip(a, b) { $0 <= $1 ? 1 : 0 } }
    public static func .> (a: Tensor, b: Tensor) -> Tensor { zip(a, b) { $0 > $1 ? 1 : 0 } }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { zip(a, b) { $0 >= $1 ? 1 : 0 } }

    /// `a` where `condition` is non-zero, else `b` (all three broadcast together).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = try! broadcastShape(try! broadcastShape(condition.shape, a.shape), b.shape)
        let c = condition.broadcast(to: shape), x = a.broadcast(to: shape), y = b.broadcast(to: shape)
        return build(shape: shape) { out in
            for i in 0..<out.count { out[i] = c.scalars[i] != 0 ? x.scalars[i] : y.scalars[i] }
        }
    }
}

infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence
infix operator .< : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .> : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence
