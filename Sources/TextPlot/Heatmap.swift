/// Matrices and filters as coloured cells, with a legend; a 2-D field with points drawn over it.
public enum Heatmap {
    /// The colour of `f` ∈ 0…1 on the sequential scale (viridis: dark violet → blue → green → yellow,
    /// even in lightness and readable with any kind of colour blindness), or on the diverging scale
    /// (f = 0 blue, 0.5 white, 1 red) for signed data. Never red against green.
    static func color(_ f: Double, diverging: Bool) -> Color {
        let t = min(max(f, 0), 1)
        guard diverging else { return viridis(t) }
        if t < 0.5 {
            let u = t / 0.5  // 0 → strong blue, 1 → white
            return .rgb(0.15 + 0.85 * u, 0.35 + 0.65 * u, 1.0)
        }
        let u = (t - 0.5) / 0.5  // 0 → white, 1 → strong red
        return .rgb(1.0, 1.0 - 0.8 * u, 1.0 - 0.85 * u)
    }

    /// Viridis (matplotlib's default colour map) through five of its points, linearly between them.
    static func viridis(_ t: Double) -> Color {
        let stops: [(Double, Double, Double)] = [
            (0.267, 0.005, 0.329), (0.230, 0.322, 0.546), (0.128, 0.567, 0.551), (0.370, 0.789, 0.383), (0.993, 0.906, 0.144),
        ]
        let x = min(max(t, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2), u = x - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        return .rgb(a.0 + (b.0 - a.0) * u, a.1 + (b.1 - a.1) * u, a.2 + (b.2 - a.2) * u)
    }

    static let asciiRamp: [Character] = [".", ":", "-", "=", "+", "*", "#", "%", "@"]
    static let unicodeRamp: [Character] = ["·", "░", "▒", "▓", "█"]

    /// Each entry as a 2-column cell. Signed data (any negative value) uses a diverging scale symmetric
    /// around 0; without colour, cells read "-▓" / "+░" (sign, then magnitude).
    /// `values` row-major, `rows × cols`. A legend line with the scale ends the picture.
    public static func canvas(rows: Int, cols: Int, values: [Double], style: Style, legend: Bool = true) -> Canvas {
        precondition(values.count == rows * cols, "heatmap: \(values.count) values for \(rows)×\(cols)")
        let finite = values.filter { $0.isFinite }
        let signed = finite.contains { $0 < 0 }
        let bound = max(finite.map { abs($0) }.max() ?? 1, 1e-12)
        let lo = signed ? -bound : (finite.min() ?? 0), hi = signed ? bound : (finite.max() ?? 1)
        let span = hi - lo
        func fraction(_ v: Double) -> Double { span > 0 ? (span.isFinite ? (v - lo) / span : (v / 2 - lo / 2) / (hi / 2 - lo / 2)) : 0.5 }
        var canvas = Canvas(width: cols * 2, height: rows + (legend ? 1 : 0))
        let ramp = style.charset == .ascii ? asciiRamp : unicodeRamp
        for r in 0..<rows {
            for c in 0..<cols {
                let v = values[r * cols + c]
                if style.color != .none {
                    let cell = v.isFinite ? Cell(" ", background: color(fraction(v), diverging: signed)) : Cell("?")
                    canvas[2 * c, r] = cell
                    canvas[2 * c + 1, r] = cell
                } else if !v.isFinite {
                    canvas.write("??", x: 2 * c, y: r)
                } else if signed {
                    let m = abs(v) / bound
                    let glyph = ramp[bucket(m, count: ramp.count)]
                    canvas[2 * c, r] = Cell(m < 0.05 ? " " : (v < 0 ? "-" : "+"))
                    canvas[2 * c + 1, r] = Cell(glyph)
                } else {
                    let glyph = ramp[bucket(fraction(v), count: ramp.count)]
                    canvas[2 * c, r] = Cell(glyph)
                    canvas[2 * c + 1, r] = Cell(glyph)
                }
            }
        }
        // The same colours as pixels, one per entry, for terminals that show images (non-finite: black).
        var pixels: [UInt8] = []
        pixels.reserveCapacity(rows * cols * 3)
        for v in values {
            let (red, green, blue) = v.isFinite ? ANSI.rgb(color(fraction(v), diverging: signed)) : (0, 0, 0)
            pixels += [red, green, blue].map { UInt8(clampedInt($0 * 255, in: 0...255)) }
        }
        var matrix = Canvas(rows: Array(canvas.rows.prefix(rows)))
        matrix.attach(RGBImage(width: cols, height: rows, pixels: pixels))
        canvas = matrix
        if legend {
            var line: [Cell] = Array((formatNumber(lo) + " ").map { Cell($0) })
            let steps = 8
            for i in 0...steps {
                let f = Double(i) / Double(steps)
                if style.color != .none {
                    line.append(Cell(" ", background: color(f, diverging: signed)))
                } else {
                    let v = lo + f * span
                    let m = signed ? abs(v) / bound : f
                    let glyph = ramp[bucket(m, count: ramp.count)]
                    line.append(Cell(signed ? (m < 0.05 ? " " : glyph) : glyph))
                }
            }
            line += Array((" " + formatNumber(hi)).map { Cell($0) })
            canvas = Canvas.stacked([matrix, Canvas(rows: [line])])
        }
        return canvas
    }

    /// A point drawn over a field.
    public struct Point: Sendable {
        public let x: Double, y: Double
        public let kind: Int  // 0, 1, … (e.g. real, fake)
        public init(x: Double, y: Double, kind: Int) { (self.x, self.y, self.kind) = (x, y, kind) }
    }

    /// A field cell's shade: the diverging scale (0 blue, ½ white, 1 red) softened towards white, so the
    /// points drawn over it stay readable. It used to run from red to green, which many cannot tell apart.
    static func fieldColor(_ v: Double) -> Color {
        let (r, g, b) = ANSI.rgb(color(v, diverging: true))
        return .rgb(0.35 + 0.65 * r, 0.35 + 0.65 * g, 0.35 + 0.65 * b)
    }

    /// A field of values in 0…1 over a grid (`values[row][col]`, row 0 at the top = largest y), shaded,
    /// with points overlaid: e.g. where the treasurer says "real", with real and fake coins on top.
    /// `marks` are the glyphs per point kind (default "o" real, "x" fake).
    public static func field(
        _ values: [[Double]], xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
        points: [Point], marks: [Character] = ["o", "x"], xLabel: String = "", yLabel: String = "",
        style: Style
    ) -> Canvas {
        let rows = values.count, cols = values.first?.count ?? 0
        var canvas = Canvas(width: cols + 2, height: rows + 2)
        let ramp = style.charset == .ascii ? [" ", ".", ":", "-", "="].map(Character.init) : [" ", "·", "░", "▒", "▓"].map(Character.init)
        for r in 0..<rows {
            for c in 0..<cols {
                let v = min(max(values[r][c], 0), 1)
                canvas[c + 1, r] =
                    style.color != .none
                    ? Cell(" ", background: fieldColor(v))
                    : Cell(ramp[bucket(v, count: ramp.count)])
            }
        }
        for p in points {
            let fx = (p.x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
            let fy = (p.y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
            guard fx >= 0, fx <= 1, fy >= 0, fy <= 1, cols > 0, rows > 0 else { continue }
            let c = bucket(fx, count: cols), r = rows - 1 - bucket(fy, count: rows)
            var cell = canvas[c + 1, r]
            cell.glyph = marks[p.kind % marks.count]
            cell.foreground = style.color != .none ? (p.kind == 0 ? .gray(0.0) : .rgb(0.6, 0.0, 0.0)) : nil
            canvas[c + 1, r] = cell
        }
        let unicode = style.charset == .unicode
        for r in 0..<rows { canvas[0, r] = Cell(unicode ? "│" : "|") }
        canvas[0, rows] = Cell(unicode ? "└" : "+")
        for c in 0..<cols { canvas[c + 1, rows] = Cell(unicode ? "─" : "-") }
        let left = formatNumber(xRange.lowerBound), right = formatNumber(xRange.upperBound)
        canvas.write(left, x: 1, y: rows + 1)
        canvas.write(right, x: cols + 1 - right.count, y: rows + 1)
        if !xLabel.isEmpty && xLabel.count + left.count + right.count + 4 <= cols {
            canvas.write(xLabel, x: 1 + (cols - xLabel.count) / 2, y: rows + 1)
        }
        if !yLabel.isEmpty {
            let label = Canvas(text: [yLabel + " ↑".prefix(unicode ? 2 : 0)])
            canvas = Canvas.stacked([label, canvas])
        }
        return canvas
    }
}
