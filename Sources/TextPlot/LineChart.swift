/// One named line: y values at x = 0, 1, 2, … (NaN leaves a gap).
public struct Series: Sendable {
    public var name: String
    public var values: [Double]
    public init(_ name: String, _ values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// Line charts with labelled axes and a legend, drawn in braille dots (2×4 per cell), and sparklines.
public enum LineChart {
    /// Glyphs that tell series apart when there is no colour (or in ASCII).
    static let markers: [Character] = ["*", "+", "o", "x", "#", "@"]

    /// - Parameters:
    ///   - width, height: the whole chart in cells, axes and legend included.
    ///   - logScale: a base-10 y axis (values ≤ 0 become gaps).
    ///   - xLabel: what the x axis counts (e.g. "step"), under the axis.
    ///   - yLabel: what the values are (e.g. "loss"), above the y axis.
    ///   - x: the x value of each point (as many as the longest series; finite): points are placed by
    ///     it and the axis ends read its smallest and largest value; nil: the points' positions 0, 1, ….
    public static func canvas(
        _ series: [Series], width: Int, height: Int, logScale: Bool = false,
        xLabel: String = "", yLabel: String = "", x xValues: [Double]? = nil, style: Style
    ) -> Canvas {
        let all = series.flatMap(\.values)
        let scale = Scale.fitting(all, logarithmic: logScale)
        let count = series.map(\.values.count).max() ?? 0
        let xs = xValues.flatMap { $0.count == count && $0.allSatisfy(\.isFinite) && count > 0 ? $0 : nil }
        let xMin = xs?.min() ?? 0, xMax = xs?.max() ?? Double(max(count - 1, 0))
        /// Where point i sits across the plot, 0…1.
        func across(_ i: Int) -> Double {
            if let xs { return xMax > xMin ? (xs[i] - xMin) / (xMax - xMin) : 0 }
            return count <= 1 ? 0 : Double(i) / Double(count - 1)
        }
        // y labels: top, middle, bottom.
        let yLabels = [1.0, 0.5, 0.0].map { formatNumber(scale.value(at: $0)) }
        let labelWidth = yLabels.map(\.count).max() ?? 1
        let legendRows = (series.count > 1 || !(series.first?.name.isEmpty ?? true) ? 1 : 0) + (yLabel.isEmpty ? 0 : 1)
        let plotWidth = max(width - labelWidth - 1, 4), plotHeight = max(height - 2 - legendRows, 2)
        var canvas = Canvas(width: labelWidth + 1 + plotWidth, height: legendRows + plotHeight + 2)
        if !yLabel.isEmpty { canvas.write(String(yLabel.prefix(labelWidth + 1 + plotWidth)), x: 0, y: 0) }
        let legendRow = yLabel.isEmpty ? 0 : 1
        let unicode = style.charset == .unicode

        // Data: braille when colour can tell the series apart (or there is only one), else markers.
        let useBraille = unicode && (style.color != .none || series.count == 1)
        // Legend.
        if legendRows > legendRow {
            var x = labelWidth + 1
            for (i, s) in series.enumerated() {
                let mark: Character = useBraille ? "━" : markers[i % markers.count]
                canvas[x, legendRow] = Cell(mark, foreground: style.color != .none ? .series(i) : nil)
                canvas.write(" " + s.name, x: x + 1, y: legendRow)
                x += s.name.count + 4
            }
        }
        // Axes.
        let top = legendRows
        for (i, label) in yLabels.enumerated() {
            let y = top + [0, (plotHeight - 1) / 2, plotHeight - 1][i]
            canvas.write(String(repeating: " ", count: labelWidth - label.count) + label, x: 0, y: y)
        }
        for y in top..<(top + plotHeight) { canvas[labelWidth, y] = Cell(unicode ? "│" : "|") }
        canvas[labelWidth, top + plotHeight] = Cell(unicode ? "└" : "+")
        for x in (labelWidth + 1)..<(labelWidth + 1 + plotWidth) { canvas[x, top + plotHeight] = Cell(unicode ? "─" : "-") }
        let firstX = xs == nil ? "0" : axisNumber(xMin)
        let lastX = xs == nil ? String(max(count - 1, 0)) : axisNumber(xMax)
        canvas.write(firstX, x: labelWidth + 1, y: top + plotHeight + 1)
        if !xLabel.isEmpty && xLabel.count + firstX.count + lastX.count + 4 <= plotWidth {
            canvas.write(xLabel, x: labelWidth + 1 + (plotWidth - xLabel.count) / 2, y: top + plotHeight + 1)
        }
        canvas.write(lastX, x: labelWidth + 1 + plotWidth - lastX.count, y: top + plotHeight + 1)

        let dotsX = useBraille ? 2 : 1, dotsY = useBraille ? 4 : 1
        let gridW = plotWidth * dotsX, gridH = plotHeight * dotsY
        var dots = [[Int]](repeating: [Int](repeating: -1, count: gridW), count: gridH)  // series index per dot
        for (si, s) in series.enumerated() {
            var previous: (Int, Int)?
            for (i, v) in s.values.enumerated() {
                guard let f = scale.fraction(v) else { previous = nil; continue }
                let px = clampedInt(across(i) * Double(gridW - 1), in: 0...(gridW - 1))
                let py = gridH - 1 - clampedInt((f.isNaN ? 0 : min(max(f, 0), 1)) * Double(gridH - 1), in: 0...(gridH - 1))
                if let (qx, qy) = previous {
                    for (x, y) in lineDots(from: (qx, qy), to: (px, py)) { dots[y][x] = si }
                } else {
                    dots[py][px] = si
                }
                previous = (px, py)
            }
        }
        for cy in 0..<plotHeight {
            for cx in 0..<plotWidth {
                var owner = -1
                if useBraille {
                    var bits = 0
                    for dy in 0..<4 {
                        for dx in 0..<2 where dots[cy * 4 + dy][cx * 2 + dx] >= 0 {
                            bits |= brailleBit(dx: dx, dy: dy)
                            owner = dots[cy * 4 + dy][cx * 2 + dx]
                        }
                    }
                    guard bits != 0 else { continue }
                    canvas[labelWidth + 1 + cx, top + cy] = Cell(
                        Character(Unicode.Scalar(0x2800 + bits)!),
                        foreground: style.color != .none ? .series(owner) : nil)
                } else {
                    owner = dots[cy][cx]
                    guard owner >= 0 else { continue }
                    canvas[labelWidth + 1 + cx, top + cy] = Cell(
                        markers[owner % markers.count],
                        foreground: style.color != .none ? .series(owner) : nil)
                }
            }
        }
        return canvas
    }

    /// An x-axis end as a learner writes it: 7 and -1, not 7.00 and -1.00 (3 significant digits otherwise).
    static func axisNumber(_ v: Double) -> String {
        let text = formatNumber(v)
        guard text.contains("."), !text.contains("e") else { return text }
        var trimmed = Substring(text)
        while trimmed.last == "0" { trimmed.removeLast() }
        if trimmed.last == "." { trimmed.removeLast() }
        return String(trimmed)
    }

    /// The dot of a braille cell at column dx (0–1), row dy (0–3), as Unicode numbers them.
    static func brailleBit(dx: Int, dy: Int) -> Int {
        dy == 3 ? (dx == 0 ? 0x40 : 0x80) : (dx == 0 ? [0x01, 0x02, 0x04][dy] : [0x08, 0x10, 0x20][dy])
    }

    /// The dots of a straight segment (Bresenham), both ends included.
    static func lineDots(from a: (Int, Int), to b: (Int, Int)) -> [(Int, Int)] {
        var (x, y) = a
        let dx = abs(b.0 - x), dy = -abs(b.1 - y)
        let sx = x < b.0 ? 1 : -1, sy = y < b.1 ? 1 : -1
        var err = dx + dy
        var out: [(Int, Int)] = []
        while true {
            out.append((x, y))
            if x == b.0 && y == b.1 { return out }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// A one-line summary: "▁▂▄▇█▆▃", one glyph per value (bucket-averaged down to `width`); NaN is a blank.
    public static func sparkline(_ values: [Double], width: Int? = nil, charset: Charset = .unicode) -> String {
        let ramp: [Character] = charset == .unicode ? ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : ["_", ".", "-", "=", "+", "*", "#", "@"]
        var v = values
        if let width, values.count > width, width > 0 {
            v = (0..<width).map { b in
                let bucket = values[(b * values.count / width)..<((b + 1) * values.count / width)].filter { $0.isFinite }
                return bucket.isEmpty ? .nan : bucket.reduce(0, +) / Double(bucket.count)
            }
        }
        let scale = Scale.fitting(v)
        return String(
            v.map { x in
                guard let f = scale.fraction(x) else { return " " }
                return ramp[bucket(f, count: ramp.count)]
            })
    }
}
