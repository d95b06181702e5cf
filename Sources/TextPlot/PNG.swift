import CZlib

/// An RGB picture for export: `pixels` row-major, 3 bytes per pixel.
public struct RGBImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3)
        (self.width, self.height, self.pixels) = (width, height, pixels)
    }

    /// A grey image mapped through `range` to 0…255, each pixel repeated `scale` times.
    public init(_ image: GrayImage, range: ClosedRange<Double>? = nil, scale: Int = 1) {
        let img = image.upscaled(scale), r = range ?? image.finiteRange
        let span = r.upperBound - r.lowerBound
        var bytes: [UInt8] = []
        bytes.reserveCapacity(img.pixels.count * 3)
        for v in img.pixels {
            let f = v.isFinite ? (span > 0 ? min(max((v - r.lowerBound) / span, 0), 1) : (v > 0 ? 1 : 0)) : 0
            let b = UInt8((f * 255).rounded())
            bytes += [b, b, b]
        }
        self.init(width: img.width, height: img.height, pixels: bytes)
    }

    /// Images in a grid with `gap` pixels of `background` between them (all share one grey range).
    public static func grid(_ images: [GrayImage], columns: Int, gap: Int = 2, scale: Int = 1, background: UInt8 = 40) -> RGBImage {
        guard let first = images.first else { return RGBImage(width: 0, height: 0, pixels: []) }
        let all = images.map(\.finiteRange)
        let range = all.map(\.lowerBound).min()!...all.map(\.upperBound).max()!
        let tileW = first.width * scale, tileH = first.height * scale
        let cols = max(1, min(columns, images.count)), rows = (images.count + cols - 1) / cols
        let width = gap + cols * (tileW + gap), height = gap + rows * (tileH + gap)
        var pixels = [UInt8](repeating: background, count: width * height * 3)
        for (i, image) in images.enumerated() {
            let tile = RGBImage(image, range: range, scale: scale)
            let x0 = gap + (i % cols) * (tileW + gap), y0 = gap + (i / cols) * (tileH + gap)
            for y in 0..<min(tile.height, tileH) {
                for x in 0..<min(tile.width, tileW) {
                    for k in 0..<3 { pixels[((y0 + y) * width + x0 + x) * 3 + k] = tile.pixels[(y * tile.width + x) * 3 + k] }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// A matrix as a heatmap picture (diverging blue–white–red when signed), each entry `scale`×`scale` pixels.
    public static func heatmap(rows: Int, cols: Int, values: [Double], scale: Int = 16) -> RGBImage {
        let finite = values.filter { $0.isFinite }
        let signed = finite.contains { $0 < 0 }
        let bound = max(finite.map { abs($0) }.max() ?? 1, 1e-12)
        let lo = signed ? -bound : (finite.min() ?? 0), hi = signed ? bound : (finite.max() ?? 1)
        var pixels = [UInt8](repeating: 0, count: rows * cols * scale * scale * 3)
        let width = cols * scale
        for r in 0..<rows {
            for c in 0..<cols {
                let v = values[r * cols + c]
                let f = hi > lo ? (v - lo) / (hi - lo) : 0.5
                let (red, green, blue) = ANSI.rgb(Heatmap.color(v.isFinite ? f : 0.5, diverging: signed))
                for dy in 0..<scale {
                    for dx in 0..<scale {
                        let p = ((r * scale + dy) * width + c * scale + dx) * 3
                        pixels[p] = UInt8((red * 255).rounded()); pixels[p + 1] = UInt8((green * 255).rounded()); pixels[p + 2] = UInt8((blue * 255).rounded())
                    }
                }
            }
        }
        return RGBImage(width: width, height: rows * scale, pixels: pixels)
    }
}

/// PNG encoding (8-bit RGB, no interlace) with the system zlib for the compressed data and its CRC-32.
public enum PNG {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// True when `bytes` start with the PNG signature (a save may replace such a file without overwrite=True).
    public static func hasSignature(_ bytes: [UInt8]) -> Bool { bytes.starts(with: signature) }

    public static func encode(_ image: RGBImage) -> [UInt8] {
        var out = signature
        var header: [UInt8] = []
        header += bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, filter 0, no interlace
        out += chunk("IHDR", header)
        // Each row starts with its filter type (0: none).
        var raw: [UInt8] = []
        raw.reserveCapacity((image.width * 3 + 1) * image.height)
        for y in 0..<image.height {
            raw.append(0)
            raw += image.pixels[(y * image.width * 3)..<((y + 1) * image.width * 3)]
        }
        var size = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(size))
        let status = compressed.withUnsafeMutableBufferPointer { dst in
            raw.withUnsafeBufferPointer { src in compress2(dst.baseAddress, &size, src.baseAddress, uLong(raw.count), 9) }
        }
        precondition(status == Z_OK, "zlib compress2 failed: \(status)")
        out += chunk("IDAT", Array(compressed.prefix(Int(size))))
        out += chunk("IEND", [])
        return out
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let body = typeBytes + data
        let crc = body.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc)
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
}
