import Foundation
import TensorCore

/// Why a checkpoint could not be read or applied, in one line.
public struct CheckpointError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The safetensors format (the one Hugging Face and PyTorch users share):
///
///     [8 bytes]  N, the header length, little-endian UInt64
///     [N bytes]  JSON: { "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …,
///                        "__metadata__": {"key": "value", …} }
///     [rest]     the tensors' raw little-endian bytes; offsets are relative to the end of the header
///
/// Names and layouts match PyTorch's `state_dict`, so a file written here loads into the same PyTorch
/// model (`safetensors.torch.load_file`) and back. We write F32 for everything but
/// `num_batches_tracked`, which PyTorch keeps as I64; we read F32, F64, F16, BF16, I64, I32 and U8.
public enum SafeTensors {
    /// Largest header we accept: real ones are kilobytes; a hostile length must not allocate gigabytes.
    static let maximumHeader = 100 << 20

    /// The file's bytes for these tensors, in the given order, plus string metadata.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> [UInt8] {
        var entries: [String] = []
        var offset = 0
        var data: [UInt8] = []
        for (name, tensor) in tensors {
            let isCounter = name.hasSuffix("num_batches_tracked")
            let bytes: [UInt8] = isCounter
                ? tensor.scalars.flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) }
                : tensor.scalars.withUnsafeBytes { raw in
                    // Float bit patterns, little-endian (the host order on every platform Swift targets here).
                    Array(raw)
                }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"\(isCounter ? "I64" : "F32")\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + bytes.count)]}")
            offset += bytes.count
            data += bytes
        }
        if !metadata.isEmpty {
            let meta = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.insert("\"__metadata__\":{\(meta.joined(separator: ","))}", at: 0)
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }  // pad with spaces: data starts 8-aligned
        let length = UInt64(header.count)
        return withUnsafeBytes(of: length.littleEndian, Array.init) + header + data
    }

    /// Parses and validates a file's bytes: header size, JSON, dtypes, shapes and offsets.
    /// Returns the tensors in file order and the metadata. Never traps on bad input.
    public static func decode(_ bytes: [UInt8]) throws(CheckpointError) -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        guard bytes.count >= 8 else { throw CheckpointError("file is \(bytes.count) bytes: too short to be a safetensors file") }
        let n = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n <= UInt64(maximumHeader), Int(n) <= bytes.count - 8 else {
            throw CheckpointError("header length \(n) does not fit in a file of \(bytes.count) bytes (truncated or not a safetensors file)")
        }
        let headerEnd = 8 + Int(n)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) } catch {
            throw CheckpointError("header is not valid JSON")
        }
        guard let header = json as? [String: Any] else { throw CheckpointError("header is not a JSON object") }
        let dataSize = bytes.count - headerEnd
        var metadata: [String: String] = [:]
        var entries: [(name: String, begin: Int, end: Int, dtype: String, shape: [Int])] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let meta = value as? [String: Any] else { throw CheckpointError("__metadata__ is not an object") }
                for (k, v) in meta { metadata[k] = v as? String ?? "\(v)" }
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  offsets.count == 2, shape.count == (info["shape"] as? [Any])?.count else {
                throw CheckpointError("entry \(name) lacks dtype, shape or data_offsets")
            }
            guard let size = dtypeSize[dtype] else { throw CheckpointError("\(name) has unsupported dtype \(dtype)") }
            guard shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 31 }) else { throw CheckpointError("\(name) has a bad shape \(shape)") }
            let (count, overflow) = shape.reduce((1, false)) { acc, s in
                let (p, o) = acc.0.multipliedReportingOverflow(by: s); return (p, acc.1 || o)
            }
            guard !overflow, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw CheckpointError("\(name) has data offsets \(offsets) outside the \(dataSize) data bytes (truncated file?)")
            }
            guard offsets[1] - offsets[0] == count * size else {
                throw CheckpointError("\(name): shape \(describe(shape)) of \(dtype) needs \(count * size) bytes, offsets give \(offsets[1] - offsets[0])")
            }
            entries.append((name, offsets[0], offsets[1], dtype, shape))
        }
        entries.sort { $0.begin < $1.begin }
        for (a, b) in Swift.zip(entries, entries.dropFirst()) where a.end > b.begin {
            throw CheckpointError("\(a.name) and \(b.name) overlap")
        }
        let tensors = entries.map { e in
            (e.name, Tensor(shape: e.shape, scalars: convert(bytes[(headerEnd + e.begin)..<(headerEnd + e.end)], dtype: e.dtype)))
        }
        return (tensors, metadata)
    }

    static let dtypeSize = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "U8": 1]

    static func convert(_ raw: ArraySlice<UInt8>, dtype: String) -> [Float] {
        let bytes = Array(raw)
        func word<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
            var v: T = 0
            for k in 0..<MemoryLayout<T>.size { v |= T(truncatingIfNeeded: bytes[i + k]) << (8 * k) }
            return v
        }
        switch dtype {
        case "F32": return stride(from: 0, to: bytes.count, by: 4).map { Float(bitPattern: word($0, UInt32.self)) }
        case "F64": return stride(from: 0, to: bytes.count, by: 8).map { Float(Double(bitPattern: word($0, UInt64.self))) }
        case "F16": return stride(from: 0, to: bytes.count, by: 2).map { Float(Float16(bitPattern: word($0, UInt16.self))) }
        case "BF16": return stride(from: 0, to: bytes.count, by: 2).map { Float(bitPattern: UInt32(word($0, UInt16.self)) << 16) }
        case "I64": return stride(from: 0, to: bytes.count, by: 8).map { Float(word($0, Int64.self)) }
        case "I32": return stride(from: 0, to: bytes.count, by: 4).map { Float(word($0, Int32.self)) }
        default: return bytes.map { Float($0) }
        }
    }

    /// Writes atomically: to a temporary file beside `path`, flushed, then renamed over it, so a crash
    /// leaves either the old checkpoint or the new one, never half of one.
    public static func save(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to path: String) throws(CheckpointError) {
        try writeAtomically(encode(tensors, metadata: metadata), to: path)
    }

    public static func load(_ path: String) throws(CheckpointError) -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError("can't read \(path): no such file")
        }
        do { return try decode([UInt8](data)) } catch {
            throw CheckpointError("\(path): \(error.message)")
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where ch.value < 0x20: out += String(format: "\\u%04x", ch.value)
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
}

/// Temp file in the same folder, fsync, rename: the file at `path` is always whole.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws(CheckpointError) {
    let folder = (path as NSString).deletingLastPathComponent
    let temp = (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw CheckpointError("can't write \(path): \(String(cString: strerror(errno)))") }
    var written = 0
    let ok = bytes.withUnsafeBytes { raw -> Bool in
        while written < raw.count {
            let n = write(fd, raw.baseAddress! + written, raw.count - written)
            if n <= 0 { return false }
            written += n
        }
        return fsync(fd) == 0
    }
    close(fd)
    guard ok, rename(temp, path) == 0 else {
        unlink(temp)
        throw CheckpointError("can't write \(path): \(String(cString: strerror(errno)))")
    }
}
