#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one way ganbook writes a file: to a temporary file beside it, flushed, then renamed over it, so
/// a crash or a kill leaves either the old file or the new one, never half of one.
///
/// Every writer (checkpoints, PNGs, progress, `:export`) goes through here so that they share two
/// promises: temporary files of saves that were killed are removed at the next save in that folder,
/// and a file of another kind is never replaced unless the caller says so (a typo in a file name must
/// not destroy someone's notes).
public enum AtomicFile {
    /// How long a temporary file may sit before it counts as abandoned even if its pid is alive again
    /// (pids are reused): no save takes this long.
    public static let abandonedAfterSeconds = 30 * 60

    /// The temporary name for `path` in this process: `.<name>.<pid>.tmp` in the same folder.
    public static func temporaryPath(for path: String, pid: Int32 = getpid()) -> String {
        let (folder, name) = split(path)
        return folder + "/." + name + ".\(pid).tmp"
    }

    /// Writes `bytes` to `path` atomically. `mayReplace` decides whether an existing file may be
    /// replaced (it is given the path); when it says no, nothing is written and the problem says why.
    public static func write(
        _ bytes: [UInt8], to path: String, kind: String = "file",
        mayReplace: ((String) -> Bool)? = nil
    ) throws(FileProblem) {
        if let odd = RegularFile.oddKind(path) { throw FileProblem("can't write \(path): it is \(odd)") }
        if let mayReplace, RegularFile.exists(path), !mayReplace(path) {
            throw FileProblem("\(path) already exists and is not a \(kind); not replacing it — choose another name, or add overwrite=True")
        }
        removeAbandonedTemporaries(besides: path)
        let temp = temporaryPath(for: path)
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileProblem("can't write \(path): \(String(cString: strerror(errno)))") }
        var written = 0
        var failure: Int32 = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = systemWrite(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = errno; return false }
                written += n
            }
            if fsync(fd) != 0 { failure = errno; return false }
            return true
        }
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            let reason = String(cString: strerror(failure != 0 ? failure : errno))
            unlink(temp)
            throw FileProblem("can't write \(path): \(reason)")
        }
    }

    /// Removes our own temporary files in the folder of `path` whose save is over: the process that
    /// wrote them is gone, or they are older than `abandonedAfterSeconds`. Only names of the form
    /// `.<name>.<pid>.tmp` (and the older `<name>.tmp-<pid>`) are touched, never anything else.
    /// Returns how many were removed.
    @discardableResult
    public static func removeAbandonedTemporaries(besides path: String) -> Int {
        let (folder, _) = split(path)
        guard let dir = opendir(folder) else { return 0 }
        defer { closedir(dir) }
        var removed = 0
        let now = time(nil)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = temporaryOwner(name), pid != getpid() else { continue }
            let full = folder + "/" + name
            var info = stat()
            guard lstat(full, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            let gone = kill(pid, 0) != 0 && errno == ESRCH
            let old = now - info.st_mtim.tv_sec > abandonedAfterSeconds
            if (gone || old) && unlink(full) == 0 { removed += 1 }
        }
        return removed
    }

    /// The pid in one of our temporary names, or nil when `name` is not one.
    public static func temporaryOwner(_ name: String) -> pid_t? {
        if name.hasPrefix("."), name.hasSuffix(".tmp") {
            let core = name.dropFirst().dropLast(4)
            guard let dot = core.lastIndex(of: "."), dot != core.startIndex else { return nil }
            return pid_t(core[core.index(after: dot)...]).flatMap { $0 > 0 ? $0 : nil }
        }
        let marker = Array(".tmp-".utf8), bytes = Array(name.utf8)
        if bytes.count > marker.count + 1,
            let at = stride(from: bytes.count - marker.count, to: 0, by: -1).first(where: { Array(bytes[$0..<($0 + marker.count)]) == marker })
        {
            return pid_t(String(decoding: bytes[(at + marker.count)...], as: UTF8.self)).flatMap { $0 > 0 ? $0 : nil }
        }
        return nil
    }

    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }
}

/// `write(2)`, under a name that does not collide with `AtomicFile.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
