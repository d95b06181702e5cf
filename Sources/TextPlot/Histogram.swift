/// Histograms of values with a count axis, and the one-line summary of a tensor.
public enum Histogram {
    /// Counts of `values` (finite ones) in `bins` equal bins over their min…max.
    public static func counts(_ values: [Double], bins: Int) -> (counts: [Int], low: Double, high: Double) {
        let finite = values.filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max(), bins > 0 else { return (Array(repeating: 0, count: max(bins, 0)), 0, 0) }
        var counts = [Int](repeating: 0, count: bins)
        let span = hi - lo
        for v in finite {
            let f = span.isFinite ? (v - lo) / span : (v / 2 - lo / 2) / (hi / 2 - lo / 2)
            let b = span > 0 ? bucket(f, count: bins) : bins / 2
            counts[b] += 1
        }
        return (counts, lo, hi)
    }

    /// Vertical bars, one column per bin, with the count axis on the left and the value range below.
    /// Non-finite values are counted in a note under the chart.
    public static func canvas(_ values: [Double], width: Int, height: Int, style: Style) -> Canvas {
        let (counts, lo, hi) = Histogram.counts(values, bins: 1)
        _ = counts
        let maxLabel = String(values.count)
        let labelWidth = maxLabel.count
        let bins = max(width - labelWidth - 1, 1)
        let (binCounts, _, _) = Histogram.counts(values, bins: bins)
        let peak = binCounts.max() ?? 0
        let nonFinite = values.count - values.filter { $0.isFinite }.count
        let plotHeight = max(height - 2 - (nonFinite > 0 ? 1 : 0), 1)
        var canvas = Canvas(width: labelWidth + 1 + bins, height: plotHeight + 2 + (nonFinite > 0 ? 1 : 0))
        let unicode = style.charset == .unicode
        let eighths: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let peakLabel = String(peak)
        canvas.write(String(repeating: " ", count: labelWidth - peakLabel.count) + peakLabel, x: 0, y: 0)
        canvas.write(String(repeating: " ", count: labelWidth - 1) + "0", x: 0, y: plotHeight - 1)
        for y in 0..<plotHeight { canvas[labelWidth, y] = Cell(unicode ? "│" : "|") }
        for (b, c) in binCounts.enumerated() where c > 0 && peak > 0 {
            // Bar height in eighths of a cell; any non-empty bin shows at least one eighth.
            let units = max(1, clampedInt(Double(c) / Double(peak) * Double(plotHeight * 8), in: 0...(plotHeight * 8)))
            for y in 0..<plotHeight {
                let fromBottom = plotHeight - 1 - y
                let fill = min(max(units - fromBottom * 8, 0), 8)
                guard fill > 0 else { continue }
                let glyph: Character = unicode ? eighths[fill] : (fill >= 4 ? "#" : ".")
                canvas[labelWidth + 1 + b, y] = Cell(glyph, foreground: style.color != .none ? .series(0) : nil)
            }
        }
        canvas[labelWidth, plotHeight] = Cell(unicode ? "└" : "+")
        for x in 0..<bins { canvas[labelWidth + 1 + x, plotHeight] = Cell(unicode ? "─" : "-") }
        let left = formatNumber(lo), right = formatNumber(hi)
        canvas.write(left, x: labelWidth + 1, y: plotHeight + 1)
        canvas.write(right, x: labelWidth + 1 + bins - right.count, y: plotHeight + 1)
        if nonFinite > 0 { canvas.write("(\(nonFinite) nan/inf not shown)", x: labelWidth + 1, y: plotHeight + 2) }
        return canvas
    }
}

/// The one line printed wherever a large tensor appears:
/// `tensor[64,1,28,28] n=50176 x∈[-1.000, 0.998] μ=-0.741 σ=0.521 grad`, flagging nan/inf and all zeros.
public func tensorSummary(shape: [Int], values: [Float], requiresGrad: Bool = false, charset: Charset = .unicode) -> String {
    var s = "tensor[" + shape.map(String.init).joined(separator: ",") + "] n=\(values.count)"
    let finite = values.filter { $0.isFinite }
    let nan = values.filter { $0.isNaN }.count, inf = values.count - finite.count - nan
    let unicode = charset == .unicode
    if let lo = finite.min(), let hi = finite.max() {
        var sum = 0.0
        for v in finite { sum += Double(v) }
        let mean = sum / Double(finite.count)
        var squares = 0.0
        for v in finite { squares += (Double(v) - mean) * (Double(v) - mean) }
        let std = finite.count > 1 ? (squares / Double(finite.count - 1)).squareRoot() : 0
        s += (unicode ? " x∈[" : " x in [") + formatFixed(Double(lo), decimals: 3) + ", " + formatFixed(Double(hi), decimals: 3) + "]"
        s += (unicode ? " μ=" : " mean=") + formatFixed(mean, decimals: 3) + (unicode ? " σ=" : " std=") + formatFixed(std, decimals: 3)
        if lo == 0 && hi == 0 { s += " all zeros" }
    }
    if nan > 0 { s += " nan=\(nan)" }
    if inf > 0 { s += " inf=\(inf)" }
    if requiresGrad { s += " grad" }
    return s
}
