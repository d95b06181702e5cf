import CZlib
import Foundation
import Testing

@testable import TextPlot

/// A sixel reader for what `Sixel.encode` writes (the subset of DEC's format it uses): the palette, then
/// bands of six rows, `#i` colour, `!n c` runs, `$` back to the band's start, `-` next band.
func decodeSixel(_ text: String) -> RGBImage? {
    var bytes = Array(text.utf8)
    guard bytes.starts(with: Array("\u{1B}P0;1;0q".utf8)), bytes.suffix(2) == [0x1B, UInt8(ascii: "\\")] else { return nil }
    bytes = Array(bytes[8..<(bytes.count - 2)])
    var i = 0
    func number() -> Int {
        var n = 0
        while i < bytes.count, let d = Int(String(UnicodeScalar(bytes[i]))) { n = n * 10 + d; i += 1 }
        return n
    }
    // Raster attributes: "1;1;W;H
    guard bytes.first == UInt8(ascii: "\"") else { return nil }
    i = 1
    _ = number(); i += 1; _ = number(); i += 1
    let width = number(); i += 1
    let height = number()
    var palette: [Int: (UInt8, UInt8, UInt8)] = [:]
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    var color = 0, x = 0, band = 0
    while i < bytes.count {
        let c = bytes[i]
        switch c {
        case UInt8(ascii: "#"):
            i += 1
            let n = number()
            if i < bytes.count, bytes[i] == UInt8(ascii: ";") {  // a definition: #n;2;r;g;b (percent)
                i += 1; _ = number(); i += 1
                let r = number(); i += 1
                let g = number(); i += 1
                let b = number()
                func byte(_ p: Int) -> UInt8 { UInt8((p * 255 + 50) / 100) }
                palette[n] = (byte(r), byte(g), byte(b))
            }
            color = n
        case UInt8(ascii: "$"): x = 0; i += 1
        case UInt8(ascii: "-"): x = 0; band += 1; i += 1
        case UInt8(ascii: "!"), 63...126:
            var count = 1
            if c == UInt8(ascii: "!") { i += 1; count = number() }
            let bits = Int(bytes[i]) - 63
            i += 1
            for _ in 0..<count {
                for dy in 0..<6 where bits & (1 << dy) != 0 {
                    let y = band * 6 + dy
                    guard y < height, x < width, let rgb = palette[color] else { return nil }
                    let p = (y * width + x) * 3
                    (pixels[p], pixels[p + 1], pixels[p + 2]) = rgb
                }
                x += 1
            }
        default: return nil
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

/// The PNG inside a kitty sequence (its chunks joined) or an iTerm2 one, and the keys of the first chunk.
func payload(_ escape: String, _ proto: ImageProtocol) -> (keys: String, png: [UInt8])? {
    switch proto {
    case .kitty:
        var keys = "", data = ""
        for chunk in escape.components(separatedBy: "\u{1B}\\") where !chunk.isEmpty {
            guard chunk.hasPrefix("\u{1B}_G"), let semicolon = chunk.firstIndex(of: ";") else { return nil }
            if keys.isEmpty { keys = String(chunk[chunk.index(chunk.startIndex, offsetBy: 3)..<semicolon]) }
            let part = chunk[chunk.index(after: semicolon)...]
            if part.count > InlineImage.kittyChunk { return nil }
            data += part
        }
        return Base64.decode(data).map { (keys, $0) }
    case .iterm:
        guard let start = escape.range(of: "\u{1B}]1337;File="), let colon = escape.range(of: ":", range: start.upperBound..<escape.endIndex),
            let bell = escape.firstIndex(of: "\u{07}")
        else { return nil }
        return Base64.decode(String(escape[colon.upperBound..<bell])).map { (String(escape[start.upperBound..<colon.lowerBound]), $0) }
    case .sixel: return nil
    }
}

@Suite("Pictures as images: kitty, iTerm2, sixel")
struct InlineImageTests {
    /// A digit-like picture: greys from the sample digit.
    var digit: RGBImage { RGBImage(Samples.digit) }

    @Test("base64 round-trips every length, as RFC 4648 writes it")
    func base64() {
        #expect(Base64.encode(Array("Man".utf8)) == "TWFu" && Base64.encode(Array("Ma".utf8)) == "TWE=" && Base64.encode(Array("M".utf8)) == "TQ==")
        for n in 0..<20 {
            let bytes = (0..<n).map { UInt8(($0 * 37 + 11) % 256) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.decode("not base64!") == nil)
    }

    @Test("sixel: the sequence decodes to the picture's pixels (greys exact to the format's 1% steps)")
    func sixelRoundTrip() throws {
        for image in [digit, digit.upscaled(3), RGBImage(width: 1, height: 1, pixels: [255, 0, 0])] {
            let decoded = try #require(decodeSixel(Sixel.encode(image)))
            #expect(decoded.width == image.width && decoded.height == image.height)
            #expect(zip(decoded.pixels, image.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 2 })
        }
        // More colours than registers: each pixel lands on a near colour of the 6×6×6 cube or the greys.
        let many = RGBImage(width: 30, height: 13, pixels: (0..<(30 * 13 * 3)).map { UInt8(($0 * 53) % 256) })
        let decoded = try #require(decodeSixel(Sixel.encode(many)))
        #expect(zip(decoded.pixels, many.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 26 })
    }

    @Test("sixel: Debian's sixel2png (libsixel-bin) reads what we write, when it is installed")
    func sixelByLibsixel() throws {
        let tool = "/usr/bin/sixel2png"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return }  // libsixel-bin not installed
        let dir = NSTemporaryDirectory() + "ganbook-sixel-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Sixel.encode(digit.upscaled(2)).utf8).write(to: URL(fileURLWithPath: dir + "/d.six"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["-i", dir + "/d.six", "-o", dir + "/d.png"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        // Its PNG has the picture's size (IHDR: width and height, big-endian, from byte 16).
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/d.png")))
        func u32(_ at: Int) -> Int { png.count >= at + 4 ? Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3]) : -1 }
        #expect(PNG.hasSignature(png) && u32(16) == 2 * digit.width && u32(20) == 2 * digit.height)
    }

    @Test("kitty: chunks of at most 4096, no replies, the cells given, a PNG of the picture scaled by a whole factor")
    func kitty() throws {
        let escape = InlineImage.escape(digit, columns: 12, rows: 6, protocol: .kitty, cell: CellSize(width: 10, height: 20))
        let (keys, png) = try #require(payload(escape, .kitty))
        #expect(keys == "a=T,f=100,q=2,c=12,r=6,C=1,m=0")
        let decoded = try PNGTests().decode(png)
        // 12 cells of 10 px over the digit's width, 6 of 20 px over its height: the smaller whole factor.
        #expect(decoded == digit.upscaled(min(120 / digit.width, 120 / digit.height)))
        // A big picture goes in several chunks; each frame of an animation names its id and placement.
        var state: UInt32 = 2_463_534_242
        let noise = (0..<(64 * 64 * 3)).map { _ -> UInt8 in
            state ^= state << 13; state ^= state >> 17; state ^= state << 5
            return UInt8(state & 255)
        }
        let big = RGBImage(width: 64, height: 64, pixels: noise)
        let long = InlineImage.escape(big, columns: 64, rows: 32, protocol: .kitty, id: 7, cell: CellSize(width: 1, height: 2))
        #expect(long.components(separatedBy: "\u{1B}_G").count > 3)
        let (bigKeys, bigPNG) = try #require(payload(long, .kitty))
        #expect(bigKeys == "a=T,f=100,q=2,c=64,r=32,C=1,i=7,p=1,m=1")
        #expect(try PNGTests().decode(bigPNG) == big)
    }

    @Test("iTerm2: inline, size in bytes, width and height in cells, cursor put back")
    func iterm() throws {
        let escape = InlineImage.escape(digit, columns: 12, rows: 6, protocol: .iterm)
        #expect(escape.hasPrefix("\u{1B}7") && escape.hasSuffix("\u{07}\u{1B}8"))
        let (keys, png) = try #require(payload(escape, .iterm))
        #expect(keys == "inline=1;size=\(png.count);width=12;height=6;preserveAspectRatio=0")
        // The assumed 8×16 cell: 12 columns are 96 px, 6 rows 96 px.
        #expect(try PNGTests().decode(png) == digit.upscaled(min(96 / digit.width, 96 / digit.height)))
    }

    @Test("renderers lay their pixels over their cells: a digit, a grid with captions, a heatmap")
    func placements() {
        // The sample digit is 6×6 pixels: 6 columns, 3 rows of half-blocks.
        let one = ImageRenderer.canvas(Samples.digit, style: .color256)
        #expect(one.images == [ImagePlacement(x: 0, y: 0, columns: 6, rows: 3, image: RGBImage(Samples.digit))])
        let grid = GridRenderer.canvas([Samples.digit, Samples.digit, Samples.digit], captions: ["a", "b", "c"], columns: 2, style: .plain)
        #expect(grid.images.map { [$0.x, $0.y, $0.columns, $0.rows] } == [[0, 0, 6, 3], [7, 0, 6, 3], [0, 5, 6, 3]])
        let heat = Heatmap.canvas(rows: 2, cols: 3, values: [-1, 0, 1, 2, 3, -4], style: .plain)
        #expect(heat.images.count == 1 && heat.images[0].columns == 6 && heat.images[0].rows == 2 && heat.images[0].image.width == 3)
        // Text never changes: the lines are those of a canvas without pictures.
        #expect(one.lines(.ansi256) == Canvas(rows: one.rows).lines(.ansi256))
    }
}
