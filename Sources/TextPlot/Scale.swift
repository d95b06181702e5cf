/// Maps data values onto a range of positions (cells or dots), linearly or on a log scale.
public struct Scale: Sendable {
    public let low: Double
    public let high: Double
    public let logarithmic: Bool

    public init(low: Double, high: Double, logarithmic: Bool = false) {
        self.logarithmic = logarithmic
        var lo = logarithmic ? log10(max(low, .leastNormalMagnitude)) : low
        var hi = logarithmic ? log10(max(high, .leastNormalMagnitude)) : high
        if !(hi > lo) { lo -= 0.5; hi += 0.5 }  // a flat series still gets an axis
        self.low = lo
        self.high = hi
    }

    /// The data range of some values (finite ones, and only positive ones on a log scale).
    public static func fitting(_ values: [Double], logarithmic: Bool = false) -> Scale {
        let usable = values.filter { $0.isFinite && (!logarithmic || $0 > 0) }
        return Scale(low: usable.min() ?? (logarithmic ? 1 : 0), high: usable.max() ?? 1, logarithmic: logarithmic)
    }

    /// Position of `value` in 0…1 (nil if it cannot be shown: NaN, or ≤ 0 on a log scale).
    public func fraction(_ value: Double) -> Double? {
        guard value.isFinite, !logarithmic || value > 0 else { return nil }
        let v = logarithmic ? log10(value) : value
        guard high > low else { return 0.5 }  // a range of one value: the middle
        let f = (v - low) / (high - low)
        // Values near ±Double.greatestFiniteMagnitude overflow the differences: halve everything first.
        let halved = f.isFinite ? f : (v / 2 - low / 2) / (high / 2 - low / 2)
        return halved.isFinite ? halved : nil
    }

    /// The data value at fraction `f` of the range.
    public func value(at f: Double) -> Double {
        let v = low + (f * high - f * low)
        return logarithmic ? pow10(v) : v
    }
}

func pow10(_ x: Double) -> Double { exp(x * 2.302585092994046) }

/// Which of `count` buckets (cells, bins, glyphs) the fraction `f` of a range falls in, 0…count−1.
/// Every renderer turns fractions into positions through here, so no value, however large, infinite
/// or NaN, reaches `Int(_:)` (which traps on those): NaN and below 0 give 0, 1 and above give the last.
public func bucket(_ f: Double, count: Int) -> Int {
    guard count > 0, !f.isNaN, f > 0 else { return 0 }
    guard f < 1 else { return count - 1 }
    return min(Int(f * Double(count)), count - 1)
}

/// `x` rounded to the nearest whole number within `range` (NaN gives the lower bound): the safe
/// `Int(x.rounded())` for positions and sizes computed from data.
public func clampedInt(_ x: Double, in range: ClosedRange<Int>) -> Int {
    guard !x.isNaN else { return range.lowerBound }
    let r = x.rounded()
    if r <= Double(range.lowerBound) { return range.lowerBound }
    if r >= Double(range.upperBound) { return range.upperBound }
    return Int(r)
}

/// Short labels for axis ticks: 3 significant digits, exponent when very large or small.
public func formatNumber(_ v: Double) -> String {
    guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
    if v == 0 { return "0" }
    let a = abs(v)
    if a >= 1e5 || a < 1e-3 { return formatScientific(v) }
    // Decide the decimals after rounding, so 99.99 reads "100", not "100.0".
    var decimals = 3
    for (limit, d) in [(100.0, 0), (10.0, 1), (1.0, 2)] where a.rounded(toPlaces: decimals) >= limit {
        decimals = min(decimals, d)
        break
    }
    if decimals > 0, a.rounded(toPlaces: decimals) >= [1.0, 10.0, 100.0][3 - decimals] { decimals -= 1 }
    return formatFixed(v, decimals: decimals)
}

/// `v` with exactly `decimals` digits after the point (no Foundation needed).
public func formatFixed(_ v: Double, decimals: Int) -> String {
    guard v.isFinite else { return v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf") }
    var m = 1.0
    for _ in 0..<decimals { m *= 10 }
    let scaled = (abs(v) * m).rounded()
    // Past 2^53 a Double has no fraction digits left to show, and past 2^63 Int(_:) would trap
    // (a gradient norm of 1e19 once crashed a step's report here): say it in scientific notation.
    guard scaled < 9e15 else { return formatScientific(v) }
    let whole = Int(scaled / m), fraction = Int(scaled.truncatingRemainder(dividingBy: m))
    let sign = v < 0 && scaled != 0 ? "-" : ""
    guard decimals > 0 else { return sign + String(whole) }
    let f = String(fraction)
    return sign + String(whole) + "." + String(repeating: "0", count: decimals - f.count) + f
}

/// Scientific notation with three significant digits: 1.23e-04.
public func formatScientific(_ v: Double) -> String {
    guard v.isFinite, v != 0 else { return v == 0 ? "0.00e+00" : formatFixed(v, decimals: 0) }
    var e = 0
    var m = abs(v)
    while m >= 10 { m /= 10; e += 1 }
    while m < 1 { m *= 10; e -= 1 }
    if m.rounded(toPlaces: 2) >= 10 { m /= 10; e += 1 }
    return (v < 0 ? "-" : "") + formatFixed(m, decimals: 2) + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
}

extension Double {
    func rounded(toPlaces p: Int) -> Double {
        var m = 1.0
        for _ in 0..<p { m *= 10 }
        return (self * m).rounded() / m
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
