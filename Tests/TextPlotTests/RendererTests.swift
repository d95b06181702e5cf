import CZlib
import Foundation
import Testing

@testable import TextPlot

@Suite("Renderers fit, colour is a separate pass")
struct RendererTests {
    /// Display width of a line without escape sequences (every glyph we use is one column wide).
    func visibleWidth(_ line: String) -> Int {
        var count = 0, inEscape = false
        for ch in line {
            if ch == "\u{1B}" { inEscape = true; continue }
            if inEscape { if ch == "m" { inEscape = false }; continue }
            count += 1
        }
        return count
    }

    @Test("charts, histograms and progress lines fit 40, 80 and 160 columns", arguments: [40, 80, 160])
    func widths(width: Int) {
        let renders: [[String]] = [
            LineChart.canvas([Series("D loss", Samples.dLoss), Series("G loss", Samples.gLoss)], width: width, height: 12, style: .color256).lines(.ansi256),
            LineChart.canvas([Series("loss", Samples.dLoss)], width: width, height: 12, logScale: true, style: .plain).lines(),
            Histogram.canvas(Samples.values, width: width, height: 10, style: .truecolor).lines(.truecolor),
            [ProgressLine(total: 3000).render(done: 1234, elapsed: 61, metrics: [("loss_D", 0.5), ("loss_G", 2.5), ("D(x)", 0.8)], width: width)],
            ImageRenderer.canvas(GrayImage(width: 28, height: 28, pixels: (0..<784).map { Double($0 % 28) }), scale: 8, maxWidth: width, style: .plain).lines(),
            [LineChart.sparkline(Samples.values, width: width)],
        ]
        for lines in renders {
            for line in lines { #expect(visibleWidth(line) <= width, "\(line)") }
        }
    }

    @Test("without colour there are no escape sequences; with it every coloured line ends in a reset")
    func colourPass() {
        let canvas = ImageRenderer.canvas(Samples.digit, style: .truecolor)
        #expect(canvas.lines(.none).allSatisfy { !$0.contains("\u{1B}") })
        let coloured = canvas.lines(.truecolor)
        #expect(coloured.allSatisfy { $0.hasSuffix("\u{1B}[0m") })
        #expect(coloured[0].contains("\u{1B}[38;2;255;255;255m"))
    }

    @Test("256-colour codes: greys on the grey ramp, colours in the 6×6×6 cube")
    func colourCodes() {
        #expect(ANSI.code(.gray(0), .ansi256) == "5;16")
        #expect(ANSI.code(.gray(1), .ansi256) == "5;231")
        #expect(ANSI.code(.gray(0.5), .ansi256) == "5;244")
        #expect(ANSI.code(.rgb(1, 0, 0), .ansi256) == "5;196")
        #expect(ANSI.code(.rgb(1, 0.5, 0), .truecolor) == "2;255;128;0")
    }

    @Test("the tensor summary states range, mean, spread, and flags nan, inf and all zeros")
    func summary() {
        #expect(
            tensorSummary(shape: [64, 1, 28, 28], values: [-1, 0.998, 0.5, -0.2], requiresGrad: true)
                == "tensor[64,1,28,28] n=4 x∈[-1.000, 0.998] μ=0.075 σ=0.869 grad")
        #expect(tensorSummary(shape: [3], values: [0, 0, 0]) == "tensor[3] n=3 x∈[0.000, 0.000] μ=0.000 σ=0.000 all zeros")
        #expect(
            tensorSummary(shape: [3], values: [1, .nan, .infinity], charset: .ascii)
                == "tensor[3] n=3 x in [1.000, 1.000] mean=1.000 std=0.000 nan=1 inf=1")
    }

    @Test("numbers on axes: three significant digits, exponents when extreme")
    func numbers() {
        #expect(formatNumber(0.000123) == "1.23e-04")
        #expect(formatNumber(123456) == "1.23e+05")
        #expect(formatNumber(-2.5) == "-2.50")
        #expect(formatNumber(0.5) == "0.500")
        #expect(formatNumber(99.99) == "100")
        #expect(formatFixed(-0.0004, decimals: 3) == "0.000")
    }

    @Test("progress: redrawn at most every 0.1 s on a terminal, every 10 s when piped, always at the end")
    func throttle() {
        var tty = ProgressThrottle(isTerminal: true)
        let ttyAnswers = [(0.0, 1), (0.05, 2), (0.11, 3)].map { tty.shouldEmit(now: $0.0, done: $0.1, total: 100) }
        #expect(ttyAnswers == [true, false, true])
        var pipe = ProgressThrottle(isTerminal: false)
        let pipeAnswers = [(0.0, 1), (5.0, 50), (6.0, 100)].map { pipe.shouldEmit(now: $0.0, done: $0.1, total: 100) }
        #expect(pipeAnswers == [true, false, true])
    }
}

@Suite("Colour scales anyone can read")
struct ColourScaleTests {
    /// Red against green is the pair most colour-blind people cannot tell apart.
    static func redAgainstGreen(_ a: Color, _ b: Color) -> Bool {
        func red(_ c: Color) -> Bool { let (r, g, b) = ANSI.rgb(c); return r > g + 0.2 && r > b + 0.2 }
        func green(_ c: Color) -> Bool { let (r, g, b) = ANSI.rgb(c); return g > r + 0.2 && g > b + 0.2 }
        return (red(a) && green(b)) || (green(a) && red(b))
    }

    @Test("the sequential scale is viridis: dark violet to yellow, lighter at every step")
    func sequential() {
        let shades = stride(from: 0.0, through: 1.0, by: 0.125).map { Heatmap.color($0, diverging: false) }
        let lightness = shades.map { c -> Double in
            let (r, g, b) = ANSI.rgb(c)
            return 0.2126 * r + 0.7152 * g + 0.0722 * b
        }
        #expect(zip(lightness, lightness.dropFirst()).allSatisfy { $0 < $1 }, "\(lightness)")
        let (r0, _, b0) = ANSI.rgb(shades[0]), (r1, g1, b1) = ANSI.rgb(shades.last!)
        #expect(b0 > r0 && r1 > b1 && g1 > b1)
    }

    @Test("no heatmap or field puts red against green")
    func neverRedGreen() {
        let fractions = stride(from: 0.0, through: 1.0, by: 0.05)
        for diverging in [false, true] {
            let shades = fractions.map { Heatmap.color($0, diverging: diverging) }
            for a in shades { for b in shades { #expect(!ColourScaleTests.redAgainstGreen(a, b)) } }
        }
        let field = fractions.map { Heatmap.fieldColor($0) }
        for a in field { for b in field { #expect(!ColourScaleTests.redAgainstGreen(a, b)) } }
    }
}

@Suite("PNG export")
struct PNGTests {
    /// A minimal PNG reader for our own files: chunks, zlib inflate of IDAT, filter 0 rows.
    func decode(_ bytes: [UInt8]) throws -> RGBImage {
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var i = 8, width = 0, height = 0
        var idat: [UInt8] = []
        func u32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while i < bytes.count {
            let length = u32(i), type = String(decoding: bytes[(i + 4)..<(i + 8)], as: UTF8.self)
            let data = Array(bytes[(i + 8)..<(i + 8 + length)])
            let body = Array(bytes[(i + 4)..<(i + 8 + length)])
            let crc: UInt32 = body.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            #expect(UInt32(u32(i + 8 + length)) == crc, "CRC of \(type)")
            if type == "IHDR" { width = u32(i + 8); height = u32(i + 12); #expect(data[8] == 8 && data[9] == 2) }
            if type == "IDAT" { idat += data }
            i += 12 + length
        }
        var size = uLong((width * 3 + 1) * height)
        var raw = [UInt8](repeating: 0, count: Int(size))
        let status = raw.withUnsafeMutableBufferPointer { dst in idat.withUnsafeBufferPointer { uncompress(dst.baseAddress, &size, $0.baseAddress, uLong(idat.count)) } }
        #expect(status == Z_OK)
        var pixels: [UInt8] = []
        let stride = width * 3 + 1
        for y in 0..<height {
            let start = y * stride
            #expect(raw[start] == 0)
            pixels += raw[(start + 1)..<(start + stride)]
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    @Test("a grid of digits written to disk decodes to the same pixels")
    func gridRoundTrip() throws {
        let grid = RGBImage.grid([Samples.digit, Samples.digit, Samples.digit], columns: 2, gap: 1, scale: 2)
        #expect(grid.width == 1 + 2 * (12 + 1) && grid.height == 1 + 2 * (12 + 1))
        let path = NSTemporaryDirectory() + "ganbook-\(UUID().uuidString).png"
        try Data(PNG.encode(grid)).write(to: URL(fileURLWithPath: path))
        let decoded = try decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(decoded == grid)
        // Top-left tile, pixel (2, 0) of the digit (value 1, scaled 2×): white. Gap pixels: background 40.
        #expect(Array(decoded.pixels[((1 + 0) * grid.width + 1 + 4) * 3..<((1 + 0) * grid.width + 1 + 4) * 3 + 3]) == [255, 255, 255])
        #expect(Array(decoded.pixels[0..<3]) == [40, 40, 40])
    }

    @Test("a signed heatmap: negative blue, zero white, positive red")
    func heatmap() throws {
        let image = RGBImage.heatmap(rows: 1, cols: 3, values: [-1, 0, 1], scale: 2)
        let decoded = try decode(PNG.encode(image))
        func pixel(_ x: Int) -> [UInt8] { Array(decoded.pixels[(x * 3)..<(x * 3 + 3)]) }
        #expect(pixel(0) == [38, 89, 255])
        #expect(pixel(2) == [255, 255, 255])
        #expect(pixel(4) == [255, 51, 38])
    }
}

@Suite("Renderers take any number")
struct HugeNumberTests {
    @Test("labels and positions of huge and non-finite values never trap")
    func hugeValues() {
        #expect(formatFixed(9.3e18, decimals: 3) == "9.30e+18")
        #expect(formatFixed(-1e300, decimals: 0) == "-1.00e+300")
        #expect(formatNumber(1e19) == "1.00e+19")
        #expect(formatScientific(0) == "0.00e+00")
        #expect(bucket(.nan, count: 8) == 0 && bucket(.infinity, count: 8) == 7 && bucket(-1e300, count: 8) == 0)
        #expect(clampedInt(.nan, in: 0...5) == 0 && clampedInt(1e300, in: 0...5) == 5)
        let wild: [Double] = [1, -Double.greatestFiniteMagnitude, .greatestFiniteMagnitude, .nan, .infinity, 9.3e18]
        _ = LineChart.sparkline(wild)
        _ = Histogram.counts(wild, bins: 10)
        _ = Histogram.canvas(wild, width: 40, height: 8, style: Style(charset: .unicode, color: .none))
        #expect(Scale.fitting(wild).fraction(1).map { $0.isFinite } == true)
    }
}
