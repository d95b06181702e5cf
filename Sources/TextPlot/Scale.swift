/// Maps data values onto a range of positions (cells or dots), linearly or on a log scale.
public struct Scale: Sendable {
    public let low: Double
    public let high: Double
    public let logarithmic: Bool

    public init(low: Double, high: Double, logarithmic: Bool = false) {
        self.logarithmic = logarithmic
        var lo = logarithmic ? log10(max(low, .leastNormalMagnitude)) : low
        var hi = logarithmic ? log10(max(high, .leastNormalMagnitude)) : high
        if !(hi > lo) { lo -= 0.5; hi += 0.5 }   // a flat series still gets an axis
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
        // A range wider than a Double (−1e308…1e308) or of one value has no finite position: nil, not a trap later.
        let f = high > low ? (v - low) / (high - low) : 0.5
        return f.isFinite ? f : nil
    }

    /// The data value at fraction `f` of the range.
    public func value(at f: Double) -> Double {
        let v = low + f * (high - low)
        return logarithmic ? pow10(v) : v
    }
}

func pow10(_ x: Double) -> Double { exp(x * 2.302585092994046) }

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
    // Beyond 2⁵³ a Double has no exact digits to print this way (and `Int` would trap at 2⁶³).
    guard scaled < 9e15 else { return formatScientific(v) }
    let whole = Int(scaled / m), fraction = Int(scaled.truncatingRemainder(dividingBy: m))
    let sign = v < 0 && scaled != 0 ? "-" : ""
    guard decimals > 0 else { return sign + String(whole) }
    let f = String(fraction)
    return sign + String(whole) + "." + String(repeating: "0", count: decimals - f.count) + f
}

/// Scientific notation with three significant digits: 1.23e-04.
public func formatScientific(_ v: Double) -> String {
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
