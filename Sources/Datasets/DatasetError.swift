/// Everything that can go wrong when reading a dataset file, as data (where and what);
/// `description` turns it into the one line the learner sees, always ending with the fix.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    /// The file is not there at all.
    case missing(path: String)
    /// zlib could not open or inflate the file (not gzip, truncated stream, bad CRC…).
    case unreadable(path: String, reason: String)
    /// The IDX header's magic number is not the expected one.
    case badMagic(path: String, found: UInt32, expected: UInt32)
    /// The header promises more (or fewer) bytes than the file holds.
    case wrongLength(path: String, expected: Int, found: Int)
    /// The header itself is malformed (too short, zero or absurd dimensions).
    case badHeader(path: String, reason: String)
    /// Images and labels disagree, or a label is out of range.
    case inconsistent(path: String, reason: String)
    /// The file's SHA-256 differs from the manifest written when it was fetched.
    case checksumMismatch(path: String, expected: String, found: String)

    /// The command that repairs any of these. A file that is there but damaged needs `--force`:
    /// without it the fetch script keeps a folder whose files are all present.
    public static let fix = "run `make data FORCE=1` (or `ganbook data fetch --force`) to fetch it again"
    /// The command that fetches a file that is not there.
    public static let fetch = "run `make data` (or `ganbook data fetch`) to fetch it"

    public var path: String {
        switch self {
        case .missing(let p), .unreadable(let p, _), .badMagic(let p, _, _), .wrongLength(let p, _, _),
            .badHeader(let p, _), .inconsistent(let p, _), .checksumMismatch(let p, _, _):
            return p
        }
    }

    public var description: String {
        let what: String
        switch self {
        case .missing:
            what = "not found"
        case .unreadable(_, let reason):
            what = "cannot be read (\(reason))"
        case .badMagic(_, let found, let expected):
            what = "is not an IDX file of the expected kind (magic number \(found), expected \(expected))"
        case .wrongLength(_, let expected, let found):
            what = "is truncated or corrupt (header promises \(expected) data bytes, file has \(found))"
        case .badHeader(_, let reason):
            what = "has a malformed IDX header (\(reason))"
        case .inconsistent(_, let reason):
            what = "is inconsistent (\(reason))"
        case .checksumMismatch(_, let expected, let found):
            what = "has changed since it was fetched (sha256 \(found.prefix(12))…, expected \(expected.prefix(12))…)"
        }
        if case .missing = self { return "error: \(path) \(what) — \(Self.fetch)" }
        return "error: \(path) \(what) — \(Self.fix)"
    }
}
