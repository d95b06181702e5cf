/// An IDX array as stored by LeCun's MNIST files: unsigned bytes, row-major, with its dimensions.
///
/// Layout of the file: a 4-byte big-endian magic number `0x000008NN` (0x08 = unsigned byte,
/// NN = number of dimensions), then NN big-endian UInt32 sizes, then the data.
/// Images are `magic 2051, [N, 28, 28]`; labels are `magic 2049, [N]`.
public struct IDXArray: Equatable, Sendable {
    public var dims: [Int]
    public var bytes: [UInt8]

    public init(dims: [Int], bytes: [UInt8]) {
        self.dims = dims
        self.bytes = bytes
    }

    /// The magic number of an unsigned-byte IDX array with `rank` dimensions (2049 for labels, 2051 for images).
    public static func magic(rank: Int) -> UInt32 { 0x0800 | UInt32(rank) }

    /// Parses and validates IDX bytes.
    /// - Parameters:
    ///   - bytes: the whole (already unzipped) file.
    ///   - rank: the number of dimensions expected (1 for labels, 3 for images).
    ///   - path: used only to say where an error happened.
    public static func parse(_ bytes: [UInt8], rank: Int, path: String) throws(DatasetError) -> IDXArray {
        let (dims, total) = try header(bytes, rank: rank, path: path)
        let headerSize = 4 + 4 * rank
        let payload = bytes.count - headerSize
        guard payload == total else {
            throw .wrongLength(path: path, expected: total, found: payload)
        }
        return IDXArray(dims: dims, bytes: Array(bytes[headerSize...]))
    }

    /// The most data bytes an IDX file here may declare: full MNIST's training images are 47 MB.
    public static let maximumDataBytes = 1 << 27

    /// Reads the IDX file at `path` (gzip or plain): its header first, then exactly the bytes the
    /// header declares (at most `maximumDataBytes`), so neither a gzip bomb nor a lying header can
    /// make it read more; a file that holds more than declared is refused too.
    public static func read(_ path: String, rank: Int) throws(DatasetError) -> IDXArray {
        let reader = try GzipReader(path)
        let head = try reader.read(upTo: 4 + 4 * rank)
        let (dims, total) = try header(head, rank: rank, path: path)
        guard total <= maximumDataBytes else {
            throw .badHeader(path: path, reason: "dimensions \(dims) declare \(total) bytes, more than the \(maximumDataBytes) a dataset file here may hold")
        }
        let data = try reader.read(upTo: total)
        let extra = try reader.read(upTo: 1)
        if data.count < total {
            try reader.close()  // a stream cut short is "unexpected end of file"; a short but whole file is below
            throw .wrongLength(path: path, expected: total, found: data.count)
        }
        guard extra.isEmpty else {
            throw .inconsistent(path: path, reason: "it holds more data than its header declares (\(total) bytes)")
        }
        try reader.close()
        return IDXArray(dims: dims, bytes: data)
    }

    /// The dimensions and data size declared by the header at the start of `bytes`.
    static func header(_ bytes: [UInt8], rank: Int, path: String) throws(DatasetError) -> (dims: [Int], total: Int) {
        let expectedMagic = magic(rank: rank)
        guard bytes.count >= 4 else {
            throw .badHeader(path: path, reason: "only \(bytes.count) bytes")
        }
        let found = readUInt32(bytes, at: 0)
        guard found == expectedMagic else {
            throw .badMagic(path: path, found: found, expected: expectedMagic)
        }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw .badHeader(path: path, reason: "\(bytes.count) bytes, the header alone needs \(headerSize)")
        }
        var dims: [Int] = []
        var total = 1
        for axis in 0..<rank {
            let size = Int(readUInt32(bytes, at: 4 + 4 * axis))
            // Refuse absurd sizes before multiplying: a hostile header must not overflow or allocate.
            guard size > 0, size <= 1 << 26 else {
                throw .badHeader(path: path, reason: "dimension \(axis) is \(size)")
            }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= 1 << 31 else {
                throw .badHeader(path: path, reason: "dimensions \(dims + [size]) are too large")
            }
            total = product
            dims.append(size)
        }
        return (dims, total)
    }

    /// The file bytes of this array (uncompressed), the inverse of `parse`.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4 + 4 * dims.count + bytes.count)
        for word in [IDXArray.magic(rank: dims.count)] + dims.map({ UInt32($0) }) {
            out += [UInt8(word >> 24), UInt8((word >> 16) & 0xff), UInt8((word >> 8) & 0xff), UInt8(word & 0xff)]
        }
        return out + bytes
    }
}

private func readUInt32(_ b: [UInt8], at i: Int) -> UInt32 {
    UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}
