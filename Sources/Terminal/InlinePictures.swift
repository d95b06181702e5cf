import TextPlot

/// Pictures drawn as real images on a terminal that can show them (`ImageProtocol`): the canvas's text
/// is printed as always, with the cells under each picture left blank, then the cursor goes back up to
/// each picture's cells and the picture is drawn over them. The picture covers exactly the cells its text
/// would have, so everything below it, and a frame redrawn in place, lines up as with text.
public struct InlinePictures: Sendable {
    public let proto: ImageProtocol
    /// The cell in pixels, when the terminal said (sixel needs it to size its pictures).
    public let cell: CellSize
    /// The window's height in rows: a picture taller than that is left as text (the cursor could not go
    /// back up to its top).
    public var windowRows: Int

    public init(proto: ImageProtocol, cell: CellSize = .assumed, windowRows: Int = 24) {
        (self.proto, self.cell, self.windowRows) = (proto, cell, windowRows)
    }

    /// The lines that draw `canvas`: `canvas.lines(color)` when it holds no picture (or is too tall), else
    /// those lines with the pictures' cells blank and, at the end of the last line, the cursor moves and
    /// escape sequences that draw each picture. `id`: kitty image ids start there (frames of an animation
    /// reuse theirs, so each frame replaces the last).
    public func lines(_ canvas: Canvas, color: ColorMode, id: Int? = nil) -> [String] {
        guard !canvas.images.isEmpty, canvas.height > 0, canvas.height < windowRows else { return canvas.lines(color) }
        var blanked = canvas
        for p in canvas.images {
            for y in p.y..<(p.y + p.rows) { for x in p.x..<(p.x + p.columns) { blanked[x, y] = .blank } }
        }
        var lines = blanked.lines(color)
        var tail = ""
        for (k, p) in canvas.images.enumerated() {
            // From the end of the last line: up to the picture's top row, to its left column, draw, and back.
            let up = canvas.height - 1 - p.y
            if up > 0 { tail += "\u{1B}[\(up)A" }
            tail += "\r"
            if p.x > 0 { tail += "\u{1B}[\(p.x)C" }
            tail += InlineImage.escape(p.image, columns: p.columns, rows: p.rows, protocol: proto, id: id.map { $0 + k }, cell: cell)
            if up > 0 { tail += "\u{1B}[\(up)B" }
        }
        lines[lines.count - 1] += tail
        return lines
    }
}
