import CZlib

/// Reads a whole gzip file into memory through the system zlib.
///
/// zlib also reads a plain (uncompressed) file transparently, so an unpacked IDX file works too.
/// A truncated stream or a bad CRC is reported by `gzread`/`gzclose` and becomes `.unreadable`.
public func readGzipFile(_ path: String) throws(DatasetError) -> [UInt8] {
    guard let file = gzopen(path, "rb") else {
        throw .missing(path: path)
    }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
        if n < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "zlib error \(code)"
            gzclose(file)
            throw .unreadable(path: path, reason: message)
        }
        if n == 0 { break }
        out.append(contentsOf: chunk[0..<Int(n)])
    }
    // gzread returns 0 both at a clean end and at a premature end of a truncated member;
    // gzclose_r reports the latter as Z_BUF_ERROR.
    let status = gzclose_r(file)
    if status != Z_OK {
        throw .unreadable(path: path, reason: status == Z_BUF_ERROR ? "unexpected end of file" : "zlib error \(status)")
    }
    return out
}
