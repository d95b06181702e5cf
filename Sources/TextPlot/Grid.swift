/// Images in rows and columns with captions, and side-by-side panels.
public enum GridRenderer {
    /// A grid of images, `columns` per row, each with its caption centred underneath (cut to fit).
    /// All images share one grey `range` so they compare honestly (default: the min…max over all).
    public static func canvas(
        _ images: [GrayImage], captions: [String] = [], columns: Int,
        range: ClosedRange<Double>? = nil, scale: Int = 1, gap: Int = 1, style: Style
    ) -> Canvas {
        guard !images.isEmpty else { return Canvas(width: 0, height: 0) }
        let shared =
            range
            ?? {
                let all = images.map(\.finiteRange)
                return all.map(\.lowerBound).min()!...all.map(\.upperBound).max()!
            }()
        let tiles = images.enumerated().map { i, image -> Canvas in
            let picture = ImageRenderer.canvas(image, range: shared, scale: scale, style: style)
            guard i < captions.count else { return picture }
            return Canvas.stacked([picture, Canvas(text: [centered(captions[i], width: picture.width)])])
        }
        let perRow = max(1, columns)
        let rows = stride(from: 0, to: tiles.count, by: perRow).map { Canvas.beside(Array(tiles[$0..<min($0 + perRow, tiles.count)]), gap: gap) }
        return Canvas.stacked(rows, gap: gap > 0 ? 1 : 0)
    }

    /// Panels side by side, each under its title: `real | fake`.
    public static func panels(_ panels: [(title: String, canvas: Canvas)], gap: Int = 3) -> Canvas {
        Canvas.beside(panels.map { Canvas.stacked([Canvas(text: [centered($0.title, width: $0.canvas.width)]), $0.canvas]) }, gap: gap)
    }

    /// `text` centred in `width` columns, cut if longer.
    static func centered(_ text: String, width: Int) -> String {
        let t = String(text.prefix(width))
        let left = (width - t.count) / 2
        return String(repeating: " ", count: max(left, 0)) + t
    }
}
