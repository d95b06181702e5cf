/// A grey-level picture: a digit, a feature map, a filter. `pixels` row-major, `width × height`.
public struct GrayImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [Double]

    public init(width: Int, height: Int, pixels: [Double]) {
        precondition(pixels.count == width * height, "GrayImage: \(pixels.count) pixels for \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    public subscript(x: Int, y: Int) -> Double { pixels[y * width + x] }

    /// The smallest and largest finite pixel (0…1 for an empty or constant-NaN image).
    public var finiteRange: ClosedRange<Double> {
        let finite = pixels.filter { $0.isFinite }
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        return lo...hi
    }

    /// Each pixel repeated `factor` times in both directions (2× makes a 28×28 digit 56×56).
    public func upscaled(_ factor: Int) -> GrayImage {
        guard factor > 1 else { return self }
        var out: [Double] = []
        out.reserveCapacity(pixels.count * factor * factor)
        for y in 0..<(height * factor) {
            for x in 0..<(width * factor) { out.append(self[x / factor, y / factor]) }
        }
        return GrayImage(width: width * factor, height: height * factor, pixels: out)
    }

    /// Shrunk by box averaging so that it is at most `maxWidth` pixels wide (aspect kept).
    public func fitted(toWidth maxWidth: Int) -> GrayImage {
        guard width > maxWidth, maxWidth > 0 else { return self }
        let newWidth = maxWidth
        let newHeight = max(1, Int((Double(height) * Double(newWidth) / Double(width)).rounded()))
        var out: [Double] = []
        for ny in 0..<newHeight {
            let y0 = ny * height / newHeight, y1 = max(y0 + 1, (ny + 1) * height / newHeight)
            for nx in 0..<newWidth {
                let x0 = nx * width / newWidth, x1 = max(x0 + 1, (nx + 1) * width / newWidth)
                var s = 0.0
                for y in y0..<y1 { for x in x0..<x1 { s += self[x, y] } }
                out.append(s / Double((y1 - y0) * (x1 - x0)))
            }
        }
        return GrayImage(width: newWidth, height: newHeight, pixels: out)
    }
}

/// Draws grey-level images in the terminal.
///
/// With colour: one half-block "▀" per two pixels stacked vertically, the top pixel as the glyph's
/// colour and the bottom one as the background (so a 28×28 digit takes 28×14 cells).
/// Without colour: "▀" or "▄" where the two pixels differ sharply, else their mean as a shade
/// " ░▒▓█"; in ASCII the mean on the ramp " .:-=+*#%@".
public enum ImageRenderer {
    static let unicodeShades: [Character] = [" ", "░", "▒", "▓", "█"]
    static let asciiRamp: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// - Parameters:
    ///   - range: the values shown as black and white (default: the image's own min…max).
    ///   - maxWidth: shrink to fit this many columns.
    public static func canvas(
        _ image: GrayImage, range: ClosedRange<Double>? = nil, scale: Int = 1,
        maxWidth: Int? = nil, style: Style
    ) -> Canvas {
        var img = image.upscaled(scale)
        if let maxWidth { img = img.fitted(toWidth: maxWidth) }
        let r = range ?? image.finiteRange
        let span = r.upperBound - r.lowerBound
        func level(_ v: Double) -> Double {
            guard v.isFinite else { return 0 }
            return span > 0 ? min(max((v - r.lowerBound) / span, 0), 1) : (v > 0 ? 1 : 0)
        }
        let rows = (img.height + 1) / 2
        var canvas = Canvas(width: img.width, height: rows)
        // The picture's own pixels (not upscaled: the terminal fits them to the cells) for image terminals.
        canvas.attach(RGBImage(image, range: r))
        for cy in 0..<rows {
            for x in 0..<img.width {
                let top = level(img[x, 2 * cy])
                let bottom = 2 * cy + 1 < img.height ? level(img[x, 2 * cy + 1]) : 0
                if style.color != .none {
                    canvas[x, cy] = Cell("▀", foreground: .gray(top), background: .gray(bottom))
                } else if style.charset == .unicode && abs(top - bottom) > 0.5 {
                    // A sharp edge inside the cell: a half block keeps it crisp.
                    canvas[x, cy] = Cell(top > bottom ? "▀" : "▄")
                } else {
                    let ramp = style.charset == .ascii ? asciiRamp : unicodeShades
                    let mean = (top + bottom) / 2
                    canvas[x, cy] = Cell(ramp[bucket(mean, count: ramp.count)])
                }
            }
        }
        return canvas
    }
}
