import CZlib
import TensorCore

/// Reads a gzip file through the system zlib, never more than `maximumBytes` of output.
///
/// zlib also reads a plain (uncompressed) file transparently, so an unpacked IDX file works too.
/// A truncated stream or a bad CRC is reported by `gzread`/`gzclose` and becomes `.unreadable`.
/// The path is checked with `stat` first: a FIFO would block `gzopen` forever and `/dev/zero` or a
/// gzip bomb would inflate until memory runs out, so special files are refused and output is capped.
public func readGzipFile(_ path: String, maximumBytes: Int = IDXArray.maximumDataBytes) throws(DatasetError) -> [UInt8] {
    let reader = try GzipReader(path)
    let out = try reader.read(upTo: maximumBytes)
    if try !reader.read(upTo: 1).isEmpty {
        throw .unreadable(path: path, reason: "it inflates to more than \(maximumBytes) bytes, more than any dataset file here")
    }
    try reader.close()
    return out
}

/// An open gzip (or plain) file read in bounded pieces: the IDX reader takes the header first, then
/// exactly the number of bytes the header declares, so a lying file cannot make it read more.
final class GzipReader {
    let path: String
    private var file: gzFile?

    init(_ path: String) throws(DatasetError) {
        self.path = path
        if let kind = RegularFile.oddKind(path) {
            throw .unreadable(path: path, reason: "it is \(kind), not a data file")
        }
        guard let file = gzopen(path, "rb") else { throw .missing(path: path) }
        self.file = file
    }

    deinit { if let file { gzclose(file) } }

    /// Up to `count` bytes (fewer only at the end of the stream).
    ///
    /// zlib inflates straight into the array, which grows by doubling from 64 KB up to `count`: copying
    /// through a 64 KB buffer took a third again as long as inflating (MNIST's 3.5 MB of training images).
    func read(upTo count: Int) throws(DatasetError) -> [UInt8] {
        guard let file else { return [] }
        var out: [UInt8] = []
        var filled = 0
        while filled < count {
            if filled == out.count {
                out.append(contentsOf: repeatElement(0, count: min(max(out.count, 1 << 16), count - filled)))
            }
            let want = min(out.count - filled, 1 << 30)
            let n = out.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + filled, UInt32(want)) }
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(file, &code).map { String(cString: $0) } ?? "zlib error \(code)"
                throw .unreadable(path: path, reason: message)
            }
            if n == 0 { break }
            filled += Int(n)
        }
        out.removeSubrange(filled...)
        return out
    }

    /// Closes the file and reports a stream that ended early or failed its CRC.
    func close() throws(DatasetError) {
        guard let file else { return }
        self.file = nil
        // gzread returns 0 both at a clean end and at a premature end of a truncated member;
        // gzclose_r reports the latter as Z_BUF_ERROR.
        let status = gzclose_r(file)
        if status != Z_OK {
            throw .unreadable(path: path, reason: status == Z_BUF_ERROR ? "unexpected end of file" : "zlib error \(status)")
        }
    }
}

/// `bytes` as a gzip stream (what `datasets/fetch.py` writes), for tests and the file fuzzer.
public func gzipCompress(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    // windowBits 15 + 16: a gzip header and trailer around the deflate data.
    guard
        deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { return [] }
    defer { deflateEnd(&stream) }
    var input = bytes
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
    let produced = input.withUnsafeMutableBufferPointer { inBuf in
        out.withUnsafeMutableBufferPointer { outBuf -> Int in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            stream.next_out = outBuf.baseAddress
            stream.avail_out = uInt(outBuf.count)
            guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return 0 }
            return outBuf.count - Int(stream.avail_out)
        }
    }
    return Array(out.prefix(produced))
}
