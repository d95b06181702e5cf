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
            let bytes: [UInt8] =
                isCounter
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
            guard let info = value as? [String: Any] else { throw CheckpointError("entry \(name) is not an object with dtype, shape and data_offsets") }
            guard let dtype = info["dtype"] as? String else { throw CheckpointError("\(name) has no dtype string") }
            guard let size = dtypeSize[dtype] else { throw CheckpointError("\(name) has unsupported dtype \(dtype)") }
            guard let shapeList = info["shape"] as? [Any], shapeList.count <= 8,
                case let shape = shapeList.compactMap(wholeNumber), shape.count == shapeList.count,
                shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 31 })
            else {
                throw CheckpointError("\(name) has a bad shape \(info["shape"].map { "\($0)" } ?? "(none)"): it must be a list of at most 8 whole numbers from 0 to 2^31")
            }
            guard let offsetList = info["data_offsets"] as? [Any], offsetList.count == 2,
                case let offsets = offsetList.compactMap(wholeNumber), offsets.count == 2
            else {
                throw CheckpointError("\(name) has bad data_offsets: they must be two whole numbers [begin, end]")
            }
            var count = 1, overflow = false
            for s in shape where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: s) }
            let (byteCount, byteOverflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, !byteOverflow, byteCount <= dataSize else {
                throw CheckpointError("\(name): shape \(describe(shape)) of \(dtype) needs more bytes than the file's \(dataSize) data bytes")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
                throw CheckpointError("\(name) has data offsets \(offsets) outside the \(dataSize) data bytes (truncated file?)")
            }
            guard offsets[1] - offsets[0] == byteCount else {
                throw CheckpointError("\(name): shape \(describe(shape)) of \(dtype) needs \(byteCount) bytes, offsets give \(offsets[1] - offsets[0])")
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

    /// A JSON number that is a whole number of moderate size (1.5, 1e300 or a string is not).
    static func wholeNumber(_ value: Any) -> Int? {
        guard let n = value as? NSNumber else { return nil }
        let d = n.doubleValue
        guard d.isFinite, d == d.rounded(), abs(d) < 9e15 else { return nil }
        return Int(d)
    }

    /// The first tensor holding NaN or ±inf, with its name: a checkpoint like that is reported, not trained on.
    public static func firstNonFinite(_ tensors: [(name: String, tensor: Tensor)]) -> String? {
        for (name, t) in tensors where !t.scalars.allSatisfy({ $0.isFinite }) {
            let bad = t.scalars.filter { !$0.isFinite }.count
            return "tensor \(name) holds \(bad) non-finite value\(bad == 1 ? "" : "s") (nan or inf)"
        }
        return nil
    }

    /// Largest checkpoint file we read: the reference DCGAN with its optimizer state is about 30 MB.
    public static let maximumFileBytes = 1 << 30

    /// True when the file at `path` starts like a safetensors file: a sane header length and a JSON
    /// object header. Only such a file may be replaced by a save without `overwrite=True`.
    public static func looksLikeFile(_ path: String) -> Bool {
        guard let head = try? RegularFile.head(path, bytes: 8 + maximumHeader), head.count >= 10 else { return false }
        let n = head.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard n >= 2, n <= UInt64(maximumHeader), Int(n) <= head.count - 8 else { return false }
        let json = Data(head[head.startIndex + 8..<head.startIndex + 8 + Int(n)])
        return (try? JSONSerialization.jsonObject(with: json)) is [String: Any]
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
    /// Without `overwrite`, an existing file is replaced only if it is a safetensors file itself.
    public static func save(
        _ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:], to path: String,
        overwrite: Bool = false
    ) throws(CheckpointError) {
        do throws(FileProblem) {
            try AtomicFile.write(
                encode(tensors, metadata: metadata), to: path, kind: "safetensors file",
                mayReplace: overwrite ? nil : { looksLikeFile($0) })
        } catch { throw CheckpointError(error.message) }
    }

    public static func load(_ path: String) throws(CheckpointError) -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        guard RegularFile.exists(path) else { throw CheckpointError("can't read \(path): no such file") }
        let bytes: [UInt8]
        do throws(FileProblem) { bytes = try RegularFile.read(path, maximumBytes: maximumFileBytes) } catch {
            throw CheckpointError(error.message)
        }
        do { return try decode(bytes) } catch {
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

/// Temp file in the same folder, fsync, rename: the file at `path` is always whole (see `AtomicFile`).
/// `mayReplace` guards an existing file of another kind (nil: replace anything).
public func writeAtomically(
    _ bytes: [UInt8], to path: String, kind: String = "file",
    mayReplace: ((String) -> Bool)? = nil
) throws(CheckpointError) {
    do throws(FileProblem) { try AtomicFile.write(bytes, to: path, kind: kind, mayReplace: mayReplace) } catch {
        throw CheckpointError(error.message)
    }
}
