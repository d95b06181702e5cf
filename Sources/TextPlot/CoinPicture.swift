/// Lesson 4's coins as text: four numbers in [−1, 1] (shape, colour, picture, face) become a few
/// glyphs, and a row of coins can carry the treasurer's verdict under each one.
///
///     ● ☺★ ⬭ ☺♪ ■ ≈     shape: ● round … ▲ triangle; colour in the glyph's colour (g/p without colour);
///     ✓97 ✗12 ✗3        picture: ☺ a face (★ a statesman, ♪ an actor) or ≈ a landscape
public enum CoinPicture {
    /// One coin: shape, colour (a letter when there is no colour), picture and the face's kind.
    public static func glyph(_ c: [Float], style: Style) -> [Cell] {
        let ascii = style.charset == .ascii
        let shape: Character = c[0] > 0.5 ? (ascii ? "O" : "●") : c[0] > 0 ? (ascii ? "o" : "⬭") : c[0] > -0.5 ? (ascii ? "#" : "■") : (ascii ? "^" : "▲")
        let gold = c[1] > 0
        let colour: Color = gold ? .rgb(0.95, 0.75, 0.15) : (c[1] > -0.5 ? .rgb(0.6, 0.3, 0.8) : .rgb(0.2, 0.7, 0.4))
        let picture: Character = c[2] > 0 ? (ascii ? "f" : "☺") : (ascii ? "l" : "≈")
        let kind: Character = c[2] > 0 ? (c[3] > 0 ? (ascii ? "s" : "★") : (ascii ? "a" : "♪")) : " "
        var cells = [Cell(shape, foreground: style.color != .none ? colour : nil)]
        if style.color == .none { cells.append(Cell(gold ? "g" : "p")) }
        cells += [Cell(picture), Cell(kind)]
        return cells
    }

    /// Coins side by side; with `verdicts` (the treasurer's belief in each, 0…1) a second row marks
    /// each coin ✓ taken (belief > 0.5) or ✗ refused, with the belief in percent.
    public static func row(_ coins: [[Float]], verdicts: [Float]?, style: Style) -> [[Cell]] {
        var glyphs: [Cell] = [], marks: [Cell] = []
        for (i, coin) in coins.enumerated() {
            let cell = glyph(coin, style: style)
            glyphs += cell + [Cell(" ")]
            if let v = verdicts?[i] {
                let ok = v > 0.5
                let mark: Character = style.charset == .ascii ? (ok ? "+" : "-") : (ok ? "✓" : "✗")
                let pct = String(Int((Double(v) * 100).rounded()))
                let text = Array(pct.count < 2 ? " " + pct : String(pct.prefix(2)))
                marks += [Cell(mark, foreground: style.color != .none ? (ok ? .rgb(0.2, 0.8, 0.2) : .rgb(0.9, 0.2, 0.2)) : nil)] + text.map { Cell($0) }
                marks += Array(repeating: Cell(" "), count: cell.count + 1 - 3)
            }
        }
        return verdicts == nil ? [glyphs] : [glyphs, marks]
    }
}
