/// A colour, as the terminal will be asked to show it.
public enum Color: Equatable, Sendable {
    /// A grey level 0 (black) … 1 (white).
    case gray(Double)
    /// Red, green, blue in 0…1.
    case rgb(Double, Double, Double)
    /// One of the distinct series colours (0…5), for lines and legends.
    case series(Int)
}

/// One character cell: a glyph and optional foreground and background colours.
public struct Cell: Equatable, Sendable {
    public var glyph: Character
    public var foreground: Color?
    public var background: Color?

    public init(_ glyph: Character, foreground: Color? = nil, background: Color? = nil) {
        self.glyph = glyph
        self.foreground = foreground
        self.background = background
    }

    public static let blank = Cell(" ")
}

/// Which glyphs a renderer may use: full Unicode (half-blocks, braille, shades) or plain ASCII.
public enum Charset: Sendable { case unicode, ascii }

/// How colour reaches the terminal: not at all, the 256-colour palette, or 24-bit truecolour.
public enum ColorMode: Sendable { case none, ansi256, truecolor }

/// How to draw: the glyphs allowed and whether colour will be applied. Renderers pick different glyphs
/// when there is no colour (a grey image needs shade characters instead of coloured half-blocks).
public struct Style: Sendable {
    public var charset: Charset
    public var color: ColorMode

    public init(charset: Charset = .unicode, color: ColorMode = .none) {
        self.charset = charset
        self.color = color
    }

    public static let plain = Style(charset: .unicode, color: .none)
    public static let ascii = Style(charset: .ascii, color: .none)
    public static let color256 = Style(charset: .unicode, color: .ansi256)
    public static let truecolor = Style(charset: .unicode, color: .truecolor)
}

/// A picture's own pixels laid over a rectangle of a canvas's cells: what a terminal that shows images
/// draws there instead of the cells' half-blocks (`InlineImage`). Text output never looks at it.
public struct ImagePlacement: Equatable, Sendable {
    /// The top-left cell and the cells covered.
    public let x, y, columns, rows: Int
    public let image: RGBImage

    public init(x: Int, y: Int, columns: Int, rows: Int, image: RGBImage) {
        (self.x, self.y, self.columns, self.rows, self.image) = (x, y, columns, rows, image)
    }

    func moved(_ dx: Int, _ dy: Int) -> ImagePlacement {
        ImagePlacement(x: x + dx, y: y + dy, columns: columns, rows: rows, image: image)
    }
}

/// A rectangle of cells: what every renderer builds. `lines(_:)` is the colour pass that turns it into text.
public struct Canvas: Equatable, Sendable {
    public private(set) var rows: [[Cell]]
    /// The pictures in it, as pixels (digits, grids, heatmaps): kept through `paste`, `beside` and `stacked`.
    public private(set) var images: [ImagePlacement] = []

    public init(width: Int, height: Int) {
        rows = Array(repeating: Array(repeating: .blank, count: max(width, 0)), count: max(height, 0))
    }

    public init(rows: [[Cell]]) {
        let width = rows.map(\.count).max() ?? 0
        self.rows = rows.map { $0 + Array(repeating: .blank, count: width - $0.count) }
    }

    /// A canvas of plain text lines (no colour).
    public init(text: [String], foreground: Color? = nil) {
        self.init(rows: text.map { $0.map { Cell($0, foreground: foreground) } })
    }

    public var width: Int { rows.first?.count ?? 0 }
    public var height: Int { rows.count }

    public subscript(x: Int, y: Int) -> Cell {
        get { rows[y][x] }
        set { if y >= 0 && y < height && x >= 0 && x < width { rows[y][x] = newValue } }
    }

    /// Writes `text` starting at (x, y), clipped to the canvas.
    public mutating func write(_ text: String, x: Int, y: Int, foreground: Color? = nil) {
        for (i, ch) in text.enumerated() { self[x + i, y] = Cell(ch, foreground: foreground) }
    }

    /// Lays `image` over the whole canvas (a renderer whose cells show that picture).
    public mutating func attach(_ image: RGBImage) {
        images = [ImagePlacement(x: 0, y: 0, columns: width, rows: height, image: image)]
    }

    /// Pastes `other` with its top-left corner at (x, y), clipped. Its pictures come along when they fit whole.
    public mutating func paste(_ other: Canvas, x: Int, y: Int) {
        for (dy, row) in other.rows.enumerated() {
            for (dx, cell) in row.enumerated() { self[x + dx, y + dy] = cell }
        }
        for p in other.images.map({ $0.moved(x, y) }) where p.x >= 0 && p.y >= 0 && p.x + p.columns <= width && p.y + p.rows <= height {
            images.append(p)
        }
    }

    /// Canvases side by side, top-aligned, with `gap` blank columns between them.
    public static func beside(_ parts: [Canvas], gap: Int = 2) -> Canvas {
        let height = parts.map(\.height).max() ?? 0
        let width = parts.reduce(0) { $0 + $1.width } + gap * max(parts.count - 1, 0)
        var out = Canvas(width: width, height: height)
        var x = 0
        for part in parts {
            out.paste(part, x: x, y: 0)
            x += part.width + gap
        }
        return out
    }

    /// Canvases stacked, left-aligned, with `gap` blank rows between them.
    public static func stacked(_ parts: [Canvas], gap: Int = 0) -> Canvas {
        let width = parts.map(\.width).max() ?? 0
        var rows: [[Cell]] = []
        var images: [ImagePlacement] = []
        for (i, part) in parts.enumerated() {
            if i > 0 { rows += Array(repeating: [], count: gap) }
            images += part.images.map { $0.moved(0, rows.count) }
            rows += part.rows
        }
        var out = Canvas(rows: rows)
        if out.width < width { out = Canvas(rows: out.rows.map { $0 + Array(repeating: .blank, count: width - $0.count) }) }
        out.images = images
        return out
    }

    /// The colour pass: one string per row, with ANSI escapes for `mode` (none: plain text),
    /// trailing blanks trimmed. A reset ends every coloured line, so nothing leaks into the prompt.
    public func lines(_ mode: ColorMode = .none) -> [String] {
        rows.map { row in
            var trimmed = row
            while let last = trimmed.last, last == .blank { trimmed.removeLast() }
            guard mode != .none else { return String(trimmed.map(\.glyph)) }
            var out = ""
            var current: (Color?, Color?) = (nil, nil)
            for cell in trimmed {
                if cell.foreground != current.0 || cell.background != current.1 {
                    out += "\u{1B}[0m"
                    if let fg = cell.foreground { out += ANSI.foreground(fg, mode) }
                    if let bg = cell.background { out += ANSI.background(bg, mode) }
                    current = (cell.foreground, cell.background)
                }
                out.append(cell.glyph)
            }
            if current != (nil, nil) { out += "\u{1B}[0m" }
            return out
        }
    }
}

/// ANSI escape sequences for colours.
enum ANSI {
    static func foreground(_ c: Color, _ mode: ColorMode) -> String { "\u{1B}[38;" + code(c, mode) + "m" }
    static func background(_ c: Color, _ mode: ColorMode) -> String { "\u{1B}[48;" + code(c, mode) + "m" }

    /// The six series colours: blue, orange, green, red, purple, cyan (readable on dark and light).
    static let seriesRGB: [(Double, Double, Double)] = [
        (0.27, 0.55, 1.0), (1.0, 0.6, 0.1), (0.3, 0.8, 0.3), (0.95, 0.3, 0.3), (0.7, 0.45, 0.95), (0.2, 0.8, 0.85),
    ]

    static func rgb(_ c: Color) -> (Double, Double, Double) {
        switch c {
        case .gray(let v): return (v, v, v)
        case .rgb(let r, let g, let b): return (r, g, b)
        case .series(let i): return seriesRGB[((i % seriesRGB.count) + seriesRGB.count) % seriesRGB.count]
        }
    }

    static func code(_ c: Color, _ mode: ColorMode) -> String {
        let (r, g, b) = rgb(c)
        func byte(_ v: Double) -> Int { clampedInt(v * 255, in: 0...255) }
        if mode == .truecolor { return "2;\(byte(r));\(byte(g));\(byte(b))" }
        // 256 colours: greys use the 24-step ramp 232…255 (plus black 16 and white 231); others the 6×6×6 cube.
        if r == g && g == b {
            let level = clampedInt(r * 25, in: 0...25)
            return "5;" + String(level == 0 ? 16 : level == 25 ? 231 : 231 + level)
        }
        func cube(_ v: Double) -> Int { clampedInt(v * 5, in: 0...5) }
        return "5;" + String(16 + 36 * cube(r) + 6 * cube(g) + cube(b))
    }
}
