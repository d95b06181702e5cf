import Foundation
import Testing

@testable import Datasets

@Suite("Files are the other door: data files")
struct DataFileDoorTests {
    /// A data folder whose MNIST has `n` images of `rows`×`cols` and `labels` labels.
    func folder(rows: Int = 28, cols: Int = 28, n: Int = 20, labels: Int? = nil) -> DataDirectory {
        let root = temporaryFolder()
        let mnist = root + "/mnist"
        try! FileManager.default.createDirectory(atPath: mnist, withIntermediateDirectories: true)
        for prefix in ["train", "t10k"] {
            writeGzip(
                IDXArray(dims: [n, rows, cols], bytes: [UInt8](repeating: 9, count: n * rows * cols)).encoded(),
                to: "\(mnist)/\(prefix)-images-idx3-ubyte.gz")
            writeGzip(tinyLabels(labels ?? n).encoded(), to: "\(mnist)/\(prefix)-labels-idx1-ubyte.gz")
        }
        try! "test\n".write(toFile: mnist + "/SOURCE", atomically: true, encoding: .utf8)
        return DataDirectory(root: root, debianFashion: "/nonexistent")
    }

    @Test("images that are not 28×28 are refused by the loader and by data status, with the fix")
    func wrongSize() {
        let data = folder(rows: 32, cols: 32)
        let path = data.root + "/mnist/train-images-idx3-ubyte.gz"
        #expect(throws: DatasetError.inconsistent(path: path, reason: "its images are 32×32, the lessons need 28×28")) {
            try data.load(.mnist, .train)
        }
        var message = ""
        do { _ = try DataReport(directory: data).status() } catch { message = error.description }
        #expect(message == "error: \(path) is inconsistent (its images are 32×32, the lessons need 28×28) — run `make data FORCE=1` (or `ganbook data fetch --force`) to fetch it again")
        #expect(throws: Never.self) { try folder().load(.mnist, .train) }
    }

    @Test("labels whose count does not match the images are refused")
    func labelCount() {
        let data = folder(labels: 19)
        #expect(throws: DatasetError.self) { try data.load(.mnist, .train) }
    }

    @Test("a gzip bomb is refused once it inflates past what the header declares")
    func gzipBomb() {
        let dir = temporaryFolder()
        // A valid header for 2 images of 28×28, then 64 MB of zeros (a few KB compressed).
        let bomb = IDXArray(dims: [2, 28, 28], bytes: [UInt8](repeating: 0, count: 2 * 784)).encoded() + [UInt8](repeating: 0, count: 64 << 20)
        writeGzip(bomb, to: dir + "/bomb.gz")
        #expect(throws: DatasetError.inconsistent(path: dir + "/bomb.gz", reason: "it holds more data than its header declares (1568 bytes)")) {
            try IDXArray.read(dir + "/bomb.gz", rank: 3)
        }
        // A header that declares more than any dataset file here may hold is refused before reading.
        writeGzip(IDXArray(dims: [1 << 20, 28, 28], bytes: []).encoded(), to: dir + "/big.gz")
        #expect(throws: DatasetError.self) { try IDXArray.read(dir + "/big.gz", rank: 3) }
        // The plain reader has a cap too.
        #expect(throws: DatasetError.self) { try readGzipFile(dir + "/bomb.gz", maximumBytes: 1 << 20) }
    }

    @Test("special files are refused before they are opened: a FIFO does not hang, /dev/zero does not fill memory")
    func specialFiles() {
        #expect(throws: DatasetError.unreadable(path: "/dev/zero", reason: "it is a character device, not a data file")) {
            try IDXArray.read("/dev/zero", rank: 3)
        }
        let fifo = temporaryFolder() + "/fifo.gz"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: DatasetError.unreadable(path: fifo, reason: "it is a pipe (FIFO), not a data file")) { try readGzipFile(fifo) }
        let dir = temporaryFolder()
        #expect(throws: DatasetError.unreadable(path: dir, reason: "it is a folder, not a data file")) { try IDXArray.read(dir, rank: 1) }
    }

    @Test("gzipCompress writes what zlib reads back")
    func compressRoundTrip() throws {
        let dir = temporaryFolder()
        let bytes = tinyImages(7).encoded()
        try Data(gzipCompress(bytes)).write(to: URL(fileURLWithPath: dir + "/x.gz"))
        #expect(try readGzipFile(dir + "/x.gz") == bytes)
    }
}
