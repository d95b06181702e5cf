/// Sixel, the DEC VT340's graphics (xterm -ti vt340, foot, mlterm, WezTerm, Windows Terminal):
/// the picture goes in bands 6 pixels high; in each band, for each colour, one character per column
/// whose 6 bits say which of the column's 6 pixels take that colour.
///
///     ESC P 0;1;0 q  "1;1;W;H  #i;2;r;g;b …   #i <column characters> $ #j … -  …  ESC \
///
/// `"1;1;W;H` is the raster (square pixels, the picture's size); `#i;2;r;g;b` defines colour register i
/// in percent; `#i` selects it; a character is 63 + its 6 bits (bit 0 the band's top row); `!n c` is c
/// n times; `$` goes back to the band's start for the next colour; `-` starts the next band.
public enum Sixel {
    /// At most this many colour registers: what VT340 emulations (and xterm built with sixel) allow.
    public static let maxColors = 256

    /// The picture as one sixel sequence. Up to 256 distinct colours are kept exactly (up to 1% steps, the
    /// format's precision); beyond that, colours are rounded to 6 levels per channel and 40 greys.
    public static func encode(_ image: RGBImage) -> String {
        let (palette, index) = quantize(image)
        var out = "\u{1B}P0;1;0q\"1;1;\(image.width);\(image.height)"
        for (i, c) in palette.enumerated() {
            out += "#\(i);2;\(percent(c.0));\(percent(c.1));\(percent(c.2))"
        }
        let w = image.width
        var bandStart = 0
        while bandStart < image.height {
            let bandRows = min(6, image.height - bandStart)
            // The colours used in this band, in palette order (so the output does not depend on hashing).
            var used = [Bool](repeating: false, count: palette.count)
            for y in bandStart..<(bandStart + bandRows) { for x in 0..<w { used[Int(index[y * w + x])] = true } }
            var first = true
            for color in 0..<palette.count where used[color] {
                if !first { out += "$" }
                first = false
                out += "#\(color)"
                var run: (character: UInt8, count: Int)? = nil
                for x in 0..<w {
                    var bits: UInt8 = 0
                    for dy in 0..<bandRows where Int(index[(bandStart + dy) * w + x]) == color { bits |= 1 << UInt8(dy) }
                    let character = 63 + bits
                    if let r = run, r.character == character {
                        run = (character, r.count + 1)
                    } else {
                        if let r = run { out += repeated(r.character, r.count) }
                        run = (character, 1)
                    }
                }
                // A run of "nothing here" at the end of a row need not be sent.
                if let r = run, r.character != 63 { out += repeated(r.character, r.count) }
            }
            bandStart += 6
            // "-" starts the next band; after the last one it would be a graphics newline, which at the bottom
            // of the screen scrolls it.
            if bandStart < image.height { out += "-" }
        }
        return out + "\u{1B}\\"
    }

    /// `c` `count` times: `!count c` when that is shorter.
    static func repeated(_ c: UInt8, _ count: Int) -> String {
        let ch = String(UnicodeScalar(c))
        return count > 3 ? "!\(count)" + ch : String(repeating: ch, count: count)
    }

    static func percent(_ byte: UInt8) -> Int { (Int(byte) * 100 + 127) / 255 }

    /// A palette of at most 256 colours and each pixel's entry in it.
    static func quantize(_ image: RGBImage) -> (palette: [(UInt8, UInt8, UInt8)], index: [UInt8]) {
        let n = image.width * image.height
        var palette: [(UInt8, UInt8, UInt8)] = []
        var lookup: [UInt32: UInt8] = [:]
        var index = [UInt8](repeating: 0, count: n)
        var exact = true
        for p in 0..<n {
            let (r, g, b) = (image.pixels[3 * p], image.pixels[3 * p + 1], image.pixels[3 * p + 2])
            let key = UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
            if let i = lookup[key] { index[p] = i; continue }
            guard palette.count < maxColors else { exact = false; break }
            lookup[key] = UInt8(palette.count)
            index[p] = UInt8(palette.count)
            palette.append((r, g, b))
        }
        if exact { return (palette, index) }
        // Too many colours: 216 of a 6×6×6 cube and 40 greys, each pixel to the nearer of its cube colour and grey.
        palette = []
        let levels: [UInt8] = [0, 51, 102, 153, 204, 255]
        for r in levels { for g in levels { for b in levels { palette.append((r, g, b)) } } }
        for k in 0..<40 { let v = UInt8((k * 255 + 19) / 39); palette.append((v, v, v)) }
        for p in 0..<n {
            let (r, g, b) = (Int(image.pixels[3 * p]), Int(image.pixels[3 * p + 1]), Int(image.pixels[3 * p + 2]))
            func level(_ v: Int) -> Int { (v * 5 + 127) / 255 }
            let cube = 36 * level(r) + 6 * level(g) + level(b)
            let grayIndex = ((r + g + b) / 3 * 39 + 127) / 255
            func distance(_ c: (UInt8, UInt8, UInt8)) -> Int {
                let (dr, dg, db) = (Int(c.0) - r, Int(c.1) - g, Int(c.2) - b)
                return dr * dr + dg * dg + db * db
            }
            index[p] = UInt8(distance(palette[cube]) <= distance(palette[216 + grayIndex]) ? cube : 216 + grayIndex)
        }
        return (palette, index)
    }
}
