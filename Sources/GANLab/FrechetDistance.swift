import TensorCore

/// ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½) between two sets of feature vectors (rows).
public enum FrechetDistance {
    public static func between(_ a: Tensor, _ b: Tensor) -> Double {
        let (muA, covA) = moments(a), (muB, covB) = moments(b)
        let d = muA.count
        var meanTerm = 0.0
        for i in 0..<d { meanTerm += (muA[i] - muB[i]) * (muA[i] - muB[i]) }
        let rootA = symmetricSqrt(covA, d)
        let middle = multiply(multiply(rootA, covB, d), rootA, d)
        let rootMiddle = symmetricSqrt(middle, d)
        var trace = 0.0
        for i in 0..<d { trace += covA[i * d + i] + covB[i * d + i] - 2 * rootMiddle[i * d + i] }
        return meanTerm + trace
    }

    public static func moments(_ x: Tensor) -> ([Double], [Double]) {
        let n = x.shape[0], d = x.shape[1]
        var mu = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mu[j] += Double(x.scalars[i * d + j]) } }
        for j in 0..<d { mu[j] /= Double(n) }
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            for j in 0..<d {
                let xj = Double(x.scalars[i * d + j]) - mu[j]
                for k in 0..<d { cov[j * d + k] += xj * (Double(x.scalars[i * d + k]) - mu[k]) }
            }
        }
        for j in 0..<(d * d) { cov[j] /= Double(max(n - 1, 1)) }
        return (mu, cov)
    }

    static func multiply(_ a: [Double], _ b: [Double], _ d: Int) -> [Double] {
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for k in 0..<d { let aik = a[i * d + k]; for j in 0..<d { c[i * d + j] += aik * b[k * d + j] } } }
        return c
    }

    /// The square root of a symmetric positive semi-definite matrix, by Jacobi eigen-decomposition.
    public static func symmetricSqrt(_ m: [Double], _ d: Int) -> [Double] {
        var a = m
        var v = [Double](repeating: 0, count: d * d)
        for i in 0..<d { v[i * d + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<d { for q in (p + 1)..<d { off += a[p * d + q] * a[p * d + q] } }
            if off < 1e-22 { break }
            for p in 0..<d {
                for q in (p + 1)..<d where abs(a[p * d + q]) > 1e-300 {
                    let theta = (a[q * d + q] - a[p * d + p]) / (2 * a[p * d + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let akp = a[k * d + p], akq = a[k * d + q]
                        a[k * d + p] = c * akp - s * akq
                        a[k * d + q] = s * akp + c * akq
                    }
                    for k in 0..<d {
                        let apk = a[p * d + k], aqk = a[q * d + k]
                        a[p * d + k] = c * apk - s * aqk
                        a[q * d + k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let vkp = v[k * d + p], vkq = v[k * d + q]
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        // V · diag(√λ) · Vᵀ, negative round-off eigenvalues clipped to 0.
        var out = [Double](repeating: 0, count: d * d)
        for k in 0..<d {
            let root = max(a[k * d + k], 0).squareRoot()
            for i in 0..<d { for j in 0..<d { out[i * d + j] += v[i * d + k] * root * v[j * d + k] } }
        }
        return out
    }
}
