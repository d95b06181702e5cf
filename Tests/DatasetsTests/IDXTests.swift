import CZlib
import Foundation
import Testing

@testable import Datasets

/// A fresh temporary folder per test.
func temporaryFolder() -> String {
    let path = NSTemporaryDirectory() + "ganbook-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `bytes` gzip-compressed through zlib, as datasets/fetch.py does.
func writeGzip(_ bytes: [UInt8], to path: String) {
    let file = gzopen(path, "wb")!
    _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
    gzclose(file)
}

/// A tiny dataset: `n` 2×3 images whose pixels count up, labels i % 10.
func tinyImages(_ n: Int) -> IDXArray { IDXArray(dims: [n, 2, 3], bytes: (0..<n * 6).map { UInt8($0 % 256) }) }
func tinyLabels(_ n: Int) -> IDXArray { IDXArray(dims: [n], bytes: (0..<n).map { UInt8($0 % 10) }) }

@Suite("IDX files")
struct IDXTests {
    @Test("encoding then parsing gives back the same array")
    func roundTrip() throws {
        let images = tinyImages(4)
        #expect(images.encoded().prefix(4) == [0, 0, 8, 3])  // magic 2051
        #expect(try IDXArray.parse(images.encoded(), rank: 3, path: "x") == images)
        #expect(try IDXArray.parse(tinyLabels(7).encoded(), rank: 1, path: "y") == tinyLabels(7))
    }

    @Test("a labels file where images are expected is refused by its magic number")
    func wrongMagic() {
        #expect(throws: DatasetError.badMagic(path: "f", found: 2049, expected: 2051)) {
            try IDXArray.parse(tinyLabels(3).encoded(), rank: 3, path: "f")
        }
    }

    @Test("a file shorter or longer than its header promises is refused")
    func wrongLength() {
        let bytes = tinyImages(4).encoded()
        #expect(throws: DatasetError.wrongLength(path: "f", expected: 24, found: 23)) {
            try IDXArray.parse(Array(bytes.dropLast()), rank: 3, path: "f")
        }
        #expect(throws: DatasetError.wrongLength(path: "f", expected: 24, found: 25)) {
            try IDXArray.parse(bytes + [0], rank: 3, path: "f")
        }
    }

    @Test("a truncated or absurd header is refused without allocating")
    func badHeaders() {
        #expect(throws: DatasetError.badHeader(path: "f", reason: "only 2 bytes")) {
            try IDXArray.parse([0, 0], rank: 1, path: "f")
        }
        #expect(throws: DatasetError.badHeader(path: "f", reason: "10 bytes, the header alone needs 16")) {
            try IDXArray.parse([0, 0, 8, 3, 0, 0, 0, 1, 0, 0], rank: 3, path: "f")
        }
        let huge: [UInt8] = [0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 28, 0, 0, 0, 28]
        #expect(throws: DatasetError.badHeader(path: "f", reason: "dimension 0 is 2147483647")) {
            try IDXArray.parse(huge, rank: 3, path: "f")
        }
    }

    @Test("the one-line message names the file and the fix")
    func message() {
        let error = DatasetError.wrongLength(path: "data/mnist/t10k-images-idx3-ubyte.gz", expected: 7840000, found: 12)
        #expect(
            error.description == """
                error: data/mnist/t10k-images-idx3-ubyte.gz is truncated or corrupt (header promises 7840000 data bytes, \
                file has 12) — run `make data FORCE=1` (or `ganbook data fetch --force`) to fetch it again
                """)
    }
}

@Suite("Gzip'd IDX files on disk")
struct GzipFileTests {
    @Test("images and labels load together and count per class")
    func loadPair() throws {
        let dir = temporaryFolder()
        writeGzip(tinyImages(12).encoded(), to: dir + "/i.gz")
        writeGzip(tinyLabels(12).encoded(), to: dir + "/l.gz")
        let data = try LabeledImages.load(name: "tiny", images: dir + "/i.gz", labels: dir + "/l.gz")
        #expect(data.count == 12 && data.rows == 2 && data.cols == 3)
        #expect(data.countsPerClass() == [2, 2, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(Array(data.image(1)) == [6, 7, 8, 9, 10, 11])
    }

    @Test("a truncated gzip stream is reported, not crashed on")
    func truncatedGzip() throws {
        let dir = temporaryFolder()
        writeGzip(tinyImages(200).encoded(), to: dir + "/i.gz")
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir + "/i.gz"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: dir + "/cut.gz"))
        #expect(throws: DatasetError.unreadable(path: dir + "/cut.gz", reason: "unexpected end of file")) {
            try readGzipFile(dir + "/cut.gz")
        }
    }

    @Test("flipped bytes inside the stream are caught by zlib's checks")
    func corruptGzip() throws {
        let dir = temporaryFolder()
        writeGzip(tinyImages(200).encoded(), to: dir + "/i.gz")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/i.gz")))
        for i in stride(from: 20, to: bytes.count - 8, by: 7) { bytes[i] ^= 0x5a }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bad.gz"))
        var failed = false
        do { _ = try LabeledImages.load(name: "bad", images: dir + "/bad.gz", labels: dir + "/bad.gz") } catch {
            failed = true
            #expect(error.path == dir + "/bad.gz")
        }
        #expect(failed)
    }

    @Test("a missing file says so")
    func missing() {
        #expect(throws: DatasetError.missing(path: "/nonexistent/x.gz")) { try readGzipFile("/nonexistent/x.gz") }
    }

    @Test("labels that disagree with the images are refused")
    func mismatch() throws {
        let dir = temporaryFolder()
        writeGzip(tinyImages(5).encoded(), to: dir + "/i.gz")
        writeGzip(tinyLabels(4).encoded(), to: dir + "/l.gz")
        #expect(throws: DatasetError.inconsistent(path: dir + "/l.gz", reason: "4 labels for 5 images in \(dir)/i.gz")) {
            try LabeledImages.load(name: "x", images: dir + "/i.gz", labels: dir + "/l.gz")
        }
        writeGzip(IDXArray(dims: [5], bytes: [0, 1, 2, 42, 3]).encoded(), to: dir + "/l.gz")
        #expect(throws: DatasetError.inconsistent(path: dir + "/l.gz", reason: "label 42 at index 3 is not in 0…9")) {
            try LabeledImages.load(name: "x", images: dir + "/i.gz", labels: dir + "/l.gz")
        }
    }
}

@Suite("Data folder, status and verify")
struct DataDirectoryTests {
    /// A data folder with a tiny MNIST, a SOURCE line and a correct manifest.
    func makeFolder() -> DataDirectory {
        let root = temporaryFolder()
        let mnist = root + "/mnist"
        try! FileManager.default.createDirectory(atPath: mnist, withIntermediateDirectories: true)
        var sums = ""
        for (prefix, n) in [("train", 20), ("t10k", 10)] {
            writeGzip(tinyImages(n).encoded(), to: "\(mnist)/\(prefix)-images-idx3-ubyte.gz")
            writeGzip(tinyLabels(n).encoded(), to: "\(mnist)/\(prefix)-labels-idx1-ubyte.gz")
        }
        for name in DataDirectory.fileNames {
            let bytes = [UInt8](FileManager.default.contents(atPath: "\(mnist)/\(name)")!)
            sums += "\(SHA256.hex(bytes))  \(name)\n"
        }
        try! sums.write(toFile: mnist + "/SHA256SUMS", atomically: true, encoding: .utf8)
        try! "tiny test digits\n".write(toFile: mnist + "/SOURCE", atomically: true, encoding: .utf8)
        return DataDirectory(root: root, debianFashion: "/nonexistent", requiredImageSize: nil)
    }

    @Test("status says where the data came from and counts each class")
    func status() throws {
        let data = makeFolder()
        let lines = try DataReport(directory: data).status()
        #expect(
            lines == [
                "MNIST: tiny test digits",
                "  folder: \(data.root)/mnist",
                "  train     20 images 2×3  per class 0:2 1:2 2:2 3:2 4:2 5:2 6:2 7:2 8:2 9:2",
                "  test      10 images 2×3  per class 0:1 1:1 2:1 3:1 4:1 5:1 6:1 7:1 8:1 9:1",
                "Fashion-MNIST: not fetched — run `make data`",
            ])
    }

    @Test("verify passes on intact files and names the file that changed")
    func verify() throws {
        let data = makeFolder()
        #expect(
            try DataReport(directory: data).verify() == [
                "MNIST: ok — 4 files read in full, 4 checksums match",
                "Fashion-MNIST: not fetched — run `make data`",
            ])
        // Same structure, different pixels: only the checksum can tell.
        let path = data.root + "/mnist/t10k-images-idx3-ubyte.gz"
        writeGzip(IDXArray(dims: [10, 2, 3], bytes: [UInt8](repeating: 7, count: 60)).encoded(), to: path)
        var failure: DatasetError?
        do { _ = try DataReport(directory: data).verify() } catch { failure = error }
        guard case .checksumMismatch(let p, _, _)? = failure else {
            Issue.record("expected a checksum mismatch, got \(String(describing: failure))")
            return
        }
        #expect(p == path)
    }

    @Test("SHA-256 matches the published test vectors")
    func sha256() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
