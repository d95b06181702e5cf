import CellLanguage

/// The one door from a cell's number to a whole number the engine uses: every index, slice bound, axis,
/// size, count, step and scale passes through here, with the range it must meet.
///
/// Why one door: a cell number is a `Double`, and `Int(x)` traps on 1e300, nan or ±inf; eight
/// hand-written conversions with different bounds (three with none) let one-line cells such as
/// `[1, 2][1e300]` kill the notebook. Here a value is checked — a number, finite, whole, within bounds —
/// before any conversion, and every refusal reads the same way:
/// `dim must be a whole number from -2 to 1, got 1e+300`.
public enum WholeNumber {
    /// The widest range any conversion accepts: integers a `Double` holds exactly (±2⁵³).
    public static let widest: ClosedRange<Int> = -(1 << 53)...(1 << 53)

    /// `v` as an `Int` within `bounds`. Numbers, booleans and one-element tensors are accepted.
    /// - Parameter what: the name used in messages ("dim", "steps", "index").
    public static func convert(_ v: Value, _ what: String, in bounds: ClosedRange<Int>, at range: SourceRange?) throws(CellError) -> Int {
        guard let x = number(v) else {
            throw CellError(.type, "\(what) must be a whole number, got \(v.typeName)", at: range)
        }
        return try convert(x, what, in: bounds, at: range)
    }

    /// A `Double` as an `Int` within `bounds`, or a clear error. Never traps.
    public static func convert(_ x: Double, _ what: String, in bounds: ClosedRange<Int>, at range: SourceRange?) throws(CellError) -> Int {
        guard x.isFinite else {
            throw CellError(.value, "\(what) must be a finite whole number, got \(formatLiteral(x))", at: range)
        }
        guard x == x.rounded() else {
            throw CellError(.type, "\(what) must be a whole number, got \(formatLiteral(x))", at: range)
        }
        guard Double(bounds.lowerBound) <= x, x <= Double(bounds.upperBound), let i = Int(exactly: x), bounds.contains(i) else {
            throw CellError(.value, "\(what) must be a whole number \(describe(bounds)), got \(formatLiteral(x))", at: range)
        }
        return i
    }

    /// A position among `count` items, negatives counting from the end (Python's rule).
    public static func index(_ v: Value, count: Int, container: String, at range: SourceRange?) throws(CellError) -> Int {
        guard let x = number(v) else {
            throw CellError(.type, "\(container) indices must be whole numbers, got \(v.typeName)", at: range)
        }
        guard x.isFinite, x == x.rounded(), let i = Int(exactly: x), i >= -count, i < count else {
            let shown = x.isFinite && x == x.rounded() ? formatLiteral(x) : formatLiteral(x) + " (not a whole number)"
            throw CellError(.value, "index \(shown) is out of range for a \(container) of \(count)", at: range)
        }
        return i < 0 ? i + count : i
    }

    /// An axis of a tensor with `rank` axes, negatives from the end. A 0-d tensor has none (functions
    /// that accept dim 0 on one, as PyTorch's reductions do, view it as one axis of length 1 first).
    public static func axis(_ v: Value, rank: Int, at range: SourceRange?) throws(CellError) -> Int {
        guard rank > 0 else { throw CellError(.value, "a 0-d tensor has no axes, so dim can't be given here", at: range) }
        let a = try convert(v, "dim", in: -rank...(rank - 1), at: range)
        return a < 0 ? a + rank : a
    }

    /// Numbers, booleans and one-element tensors as a `Double`; nil for anything else (also the reading
    /// behind `Arguments.number`).
    static func number(_ v: Value) -> Double? {
        switch v {
        case .number(let x): return x
        case .bool(let b): return b ? 1 : 0
        case .tensor(let t) where t.value.count == 1: return Double(t.value.scalars[0])
        default: return nil
        }
    }

    static func describe(_ bounds: ClosedRange<Int>) -> String {
        if bounds.upperBound >= widest.upperBound { return bounds.lowerBound <= widest.lowerBound ? "between -2⁵³ and 2⁵³" : "≥ \(bounds.lowerBound)" }
        if bounds.lowerBound <= widest.lowerBound { return "≤ \(bounds.upperBound)" }
        if bounds.lowerBound == bounds.upperBound { return "equal to \(bounds.lowerBound)" }
        return "from \(bounds.lowerBound) to \(bounds.upperBound)"
    }
}
