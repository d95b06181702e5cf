/// Terminal image protocols: how a picture's pixels, not its half-block text, reach a terminal that can
/// show them. Each escape sequence draws `image` over `columns × rows` cells from the cursor and leaves
/// the cursor where it was (the caller has already printed the text lines those cells belong to).
public enum ImageProtocol: String, Sendable, CaseIterable {
    /// The kitty graphics protocol (kitty, WezTerm, Ghostty, Konsole): a PNG in base64 chunks, `ESC _G … ESC \`.
    case kitty
    /// iTerm2's inline images (iTerm2, WezTerm, VS Code's terminal): `ESC ]1337;File=inline=1;… : base64 BEL`.
    case iterm
    /// DEC sixel (xterm -ti vt340, foot, mlterm, Windows Terminal): the pixels themselves, in bands of 6 rows.
    case sixel
}

/// A terminal's character cell in pixels, when it says (TIOCGWINSZ or `ESC [16t`).
public struct CellSize: Equatable, Sendable {
    public let width: Int, height: Int
    public init(width: Int, height: Int) { (self.width, self.height) = (width, height) }
    /// What pictures are scaled for when the terminal does not say: a common 8×16 cell.
    public static let assumed = CellSize(width: 8, height: 16)
}

public enum InlineImage {
    /// Kitty sends the payload in chunks of at most 4096 base64 bytes.
    static let kittyChunk = 4096

    /// The escape sequence that draws `image` over `columns × rows` cells at the cursor.
    /// - `id`: a kitty image id; sending another picture with the same id replaces it (an animation's frames).
    /// - `cell`: the cell size: the picture is scaled by a whole factor to fit the cells, never past them
    ///   (sixel, which has no cell units, is drawn at exactly that size).
    public static func escape(
        _ image: RGBImage, columns: Int, rows: Int, protocol proto: ImageProtocol, id: Int? = nil,
        cell: CellSize = .assumed
    ) -> String {
        let scaled = crisp(image, columns: columns, rows: rows, cell: cell)
        switch proto {
        case .kitty:
            let payload = Base64.encode(PNG.encode(scaled))
            // a=T transmit and show; f=100 PNG; q=2 no replies (they would arrive as typed input);
            // c, r the cells to cover; C=1 leave the cursor where it is.
            var keys = "a=T,f=100,q=2,c=\(columns),r=\(rows),C=1"
            if let id { keys += ",i=\(id),p=1" }
            var out = ""
            var start = payload.startIndex
            repeat {
                let end = payload.index(start, offsetBy: kittyChunk, limitedBy: payload.endIndex) ?? payload.endIndex
                let more = end < payload.endIndex ? 1 : 0
                // q=2 again on every chunk: older kitty forgot the first chunk's q and replied to the last.
                let head = start == payload.startIndex ? keys + ",m=\(more)" : "m=\(more),q=2"
                out += "\u{1B}_G" + head + ";" + payload[start..<end] + "\u{1B}\\"
                start = end
            } while start < payload.endIndex
            return out
        case .iterm:
            let png = PNG.encode(scaled)
            // Width and height in cells; ESC 7 / ESC 8 put the cursor back (iTerm2 moves it below the picture).
            return "\u{1B}7\u{1B}]1337;File=inline=1;size=\(png.count);width=\(columns);height=\(rows);preserveAspectRatio=0:"
                + Base64.encode(png) + "\u{07}\u{1B}8"
        case .sixel:
            return "\u{1B}7" + Sixel.encode(scaled) + "\u{1B}8"
        }
    }

    /// The largest whole factor at which `image` fits `columns × rows` cells of `cell` pixels (at least 1).
    public static func fitFactor(_ image: RGBImage, columns: Int, rows: Int, cell: CellSize) -> Int {
        guard image.width > 0, image.height > 0 else { return 1 }
        return max(1, min(columns * cell.width / image.width, rows * cell.height / image.height))
    }

    /// The picture upscaled by repeating pixels to about the cells' pixel size: kitty and iTerm2 would
    /// otherwise scale it to the cells smoothly, and sixel has no scaling at all; so a digit's pixels stay
    /// square and sharp.
    static func crisp(_ image: RGBImage, columns: Int, rows: Int, cell: CellSize) -> RGBImage {
        image.upscaled(fitFactor(image, columns: columns, rows: rows, cell: cell))
    }
}

extension RGBImage {
    /// Each pixel repeated `factor` times in both directions (nearest neighbour).
    public func upscaled(_ factor: Int) -> RGBImage {
        guard factor > 1 else { return self }
        let w = width * factor, h = height * factor
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let source = (y / factor) * width
            for x in 0..<w {
                let s = (source + x / factor) * 3, d = (y * w + x) * 3
                out[d] = pixels[s]; out[d + 1] = pixels[s + 1]; out[d + 2] = pixels[s + 2]
            }
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}
