@testable import TextPlot

/// Every renderer on the samples, by name: the outputs the tests pin.
enum PinnedOutputs {
    static func all() -> [(String, [String])] {
        let d = Samples.digit
        var out: [(String, [String])] = []
        out.append(("image unicode", ImageRenderer.canvas(d, style: .plain).lines()))
        out.append(("image ascii", ImageRenderer.canvas(d, style: .ascii).lines()))
        out.append(("image colour", ImageRenderer.canvas(d, style: .color256).lines(.ansi256)))
        out.append(("image 2x", ImageRenderer.canvas(d, scale: 2, style: .plain).lines()))
        out.append(("grid", GridRenderer.canvas([d, d, d], captions: ["2", "D=0.91", "7"], columns: 2, style: .plain).lines()))
        out.append(("panels", GridRenderer.panels([("real", ImageRenderer.canvas(d, style: .plain)), ("fake", ImageRenderer.canvas(d, style: .ascii))]).lines()))
        out.append(("chart two series", LineChart.canvas([Series("D loss", Samples.dLoss), Series("G loss", Samples.gLoss)], width: 40, height: 10, xLabel: "step", style: .plain).lines()))
        out.append(("chart braille", LineChart.canvas([Series("loss", Samples.dLoss)], width: 40, height: 8, style: .plain).lines()))
        out.append(("chart log ascii", LineChart.canvas([Series("loss", Samples.dLoss)], width: 40, height: 8, logScale: true, style: .ascii).lines()))
        out.append(("sparkline", [LineChart.sparkline(Samples.dLoss, width: 20), LineChart.sparkline(Samples.gLoss, width: 25, charset: .ascii)]))
        out.append(("histogram", Histogram.canvas(Samples.values, width: 40, height: 8, style: .plain).lines()))
        out.append(("histogram ascii", Histogram.canvas(Samples.values + [.nan], width: 30, height: 6, style: .ascii).lines()))
        out.append(("heatmap signed", Heatmap.canvas(rows: 3, cols: 4, values: [-1, -0.5, 0, 0.5, 1, 0.2, -0.2, 0.9, -0.9, 0, 0.01, 0.6], style: .plain).lines()))
        out.append(("heatmap ascii", Heatmap.canvas(rows: 2, cols: 3, values: [0, 1, 2, 3, 4, 5], style: .ascii).lines()))
        let field: [[Double]] = (0..<6).map { (r: Int) -> [Double] in
            (0..<12).map { (c: Int) -> Double in Double(c) / 11.0 * Double(6 - r) / 6.0 }
        }
        out.append(
            (
                "field",
                Heatmap.field(
                    field,
                    xRange: 0...1, yRange: 0...1,
                    points: [.init(x: 0.9, y: 0.9, kind: 0), .init(x: 0.1, y: 0.2, kind: 1)],
                    xLabel: "gold", yLabel: "face", style: .plain
                ).lines()
            ))
        out.append(
            (
                "progress",
                [
                    ProgressLine(total: 500).render(done: 120, elapsed: 10, metrics: [("loss_D", 0.52), ("loss_G", 1.2)], width: 80),
                    ProgressLine(total: 500).render(done: 500, elapsed: 41.7, width: 60, charset: .ascii),
                ]
            ))
        out.append(
            (
                "table",
                Table.render(
                    headers: ["layer", "shape", "mean"],
                    rows: [["conv1.weight", "[64, 1, 4, 4]", "0.001"], ["fc.bias", "[1]", "-0.020"]],
                    alignments: [.left, .left, .right])
            ))
        return out
    }
}
