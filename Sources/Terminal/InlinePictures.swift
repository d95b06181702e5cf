import TextPlot

/// Pictures drawn as real images on a terminal that can show them (`ImageProtocol`): the canvas's text
/// is printed as always, with the cells under each picture left blank, then the cursor goes back up to
/// each picture's cells and the picture is drawn over them. The picture covers exactly the cells its text
/// would have, so everything below it, and a frame redrawn in place, lines up as with text.
public struct InlinePictures: Sendable {
    public let proto: ImageProtocol
    /// The cell in pixels, when the terminal said (sixel needs it to size its pictures).
    public let cell: CellSize
    /// The window's size: a picture taller than the window is left as text (the cursor could not go back up
    /// to its top), and so is one wider than it (its lines would wrap and take more rows than counted).
    public var windowRows: Int
    public var windowColumns: Int

    public init(proto: ImageProtocol, cell: CellSize = .assumed, windowRows: Int = 24, windowColumns: Int = 80) {
        (self.proto, self.cell, self.windowRows, self.windowColumns) = (proto, cell, windowRows, windowColumns)
    }

    /// The lines that draw `canvas`: `canvas.lines(color)` when it holds no picture (or does not fit the
    /// window), else those lines with the pictures' cells blank, then one more line that draws them: from the
    /// row below the canvas, up to each picture's top row, to its left column, the picture, back down; and at
    /// its end one row up, so that the newline the caller writes after it lands on the row below the canvas
    /// again (no blank line). Starting below the canvas matters at the bottom of the screen: iTerm2 and sixel
    /// put the cursor under a picture when they have drawn it, and that row must already exist, or the screen
    /// scrolls and everything after is one row off.
    /// `id`: kitty image ids start there (frames of an animation reuse theirs, so each frame replaces the last).
    public func lines(_ canvas: Canvas, color: ColorMode, id: Int? = nil) -> [String] {
        let shown = canvas.images.filter { $0.columns > 0 && $0.rows > 0 && $0.image.width > 0 && $0.image.height > 0 }
        guard !shown.isEmpty, canvas.height > 0, canvas.height < windowRows, canvas.width <= windowColumns else {
            return canvas.lines(color)
        }
        var blanked = canvas
        for p in shown {
            for y in p.y..<(p.y + p.rows) { for x in p.x..<(p.x + p.columns) { blanked[x, y] = .blank } }
        }
        var draw = ""
        for (k, p) in shown.enumerated() {
            let up = canvas.height - p.y  // ≥ 1: from the row below the canvas
            draw += "\u{1B}[\(up)A\r"
            if p.x > 0 { draw += "\u{1B}[\(p.x)C" }
            draw += InlineImage.escape(p.image, columns: p.columns, rows: p.rows, protocol: proto, id: id.map { $0 + k }, cell: cell)
            draw += "\u{1B}[\(up)B\r"
        }
        return blanked.lines(color) + [draw + "\u{1B}[1A"]
    }
}
