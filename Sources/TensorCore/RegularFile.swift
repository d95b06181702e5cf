#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read or written safely, in one line that names the file.
public struct FileProblem: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reading a file a learner points at, without letting the file decide what happens.
///
/// A FIFO blocks `open` until someone writes to it (the notebook would hang), `/dev/zero` never ends
/// (it reads until memory runs out) and a directory has no bytes: so a path is checked with `stat`
/// before it is opened, and reading stops at the size `stat` gave and at a cap the caller chooses.
public enum RegularFile {
    /// What kind of file `path` is, when it is anything but a regular file (nil: a regular file, or absent).
    /// Symbolic links are followed: a link to a regular file is fine.
    public static func oddKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a pipe (FIFO)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    /// True when something (of any kind) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// The size in bytes of the regular file at `path`, or a problem naming the file (absent, special, too big).
    public static func size(_ path: String, maximumBytes: Int) throws(FileProblem) -> Int {
        if let kind = oddKind(path) { throw FileProblem("\(path) is \(kind), not a file") }
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileProblem("can't read \(path): \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        guard size <= maximumBytes else {
            throw FileProblem("\(path) is \(size) bytes, more than the \(maximumBytes) bytes such a file can have")
        }
        return size
    }

    /// The whole regular file at `path`, at most `maximumBytes` long. Never blocks on a pipe, never
    /// reads past the size the file had when it was checked.
    public static func read(_ path: String, maximumBytes: Int) throws(FileProblem) -> [UInt8] {
        try read(path, size: size(path, maximumBytes: maximumBytes))
    }

    /// The first `bytes` bytes of the regular file at `path` (all of it when shorter).
    public static func head(_ path: String, bytes: Int) throws(FileProblem) -> [UInt8] {
        try read(path, size: min(size(path, maximumBytes: Int.max), bytes))
    }

    static func read(_ path: String, size: Int) throws(FileProblem) -> [UInt8] {
        // O_NONBLOCK: if the path was swapped for a FIFO after the check, open does not wait for a writer.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw FileProblem("can't read \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw FileProblem("\(path) is not a regular file") }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + done, size - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
        if done < size { bytes.removeLast(size - done) }  // the file shrank while we read: what is there
        return bytes
    }
}

/// `read(2)`, under a name that does not collide with `RegularFile.read`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
