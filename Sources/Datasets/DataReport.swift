import Foundation

/// The text of `ganbook data status` and `ganbook data verify`: lines, never printed here.
public struct DataReport {
    public let directory: DataDirectory

    public init(directory: DataDirectory) { self.directory = directory }

    /// Which data is present, where from, and how many examples of each class per split.
    /// Throws the first unreadable file, so a corrupt dataset is reported in one line.
    public func status() throws(DatasetError) -> [String] {
        var lines: [String] = []
        for name in DatasetName.allCases {
            guard let source = directory.source(of: name) else {
                lines.append("\(name.title): not fetched — run `make data`")
                continue
            }
            lines.append("\(name.title): \(source)")
            lines.append("  folder: \(directory.folder(for: name))")
            for split in Split.allCases {
                let data = try directory.load(name, split)
                let counts = data.countsPerClass().enumerated().map { "\($0.offset):\($0.element)" }
                lines.append(
                    "  \(split.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) "
                        + "\(String(data.count).leftPadded(to: 6)) images \(data.rows)×\(data.cols)  per class "
                        + counts.joined(separator: " "))
            }
        }
        if directory.mnistIsFallback {
            lines.append(
                "note: this is the 5,000-digit MNIST fallback (real digits, a small part of MNIST); "
                    + "with internet access `make data FORCE=1` fetches all 70,000")
        }
        return lines
    }

    /// Reads every file in full (magic, dimensions, lengths, labels) and compares it with the
    /// SHA256SUMS manifest written at fetch time. Throws the first problem found.
    public func verify() throws(DatasetError) -> [String] {
        var lines: [String] = []
        for name in DatasetName.allCases {
            guard directory.source(of: name) != nil else {
                lines.append("\(name.title): not fetched — run `make data`")
                continue
            }
            for split in Split.allCases { _ = try directory.load(name, split) }
            let folder = directory.folder(for: name)
            let manifest = (folder as NSString).appendingPathComponent("SHA256SUMS")
            var checked = 0
            if let text = try? String(contentsOfFile: manifest, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard parts.count == 2 else { continue }
                    let path = (folder as NSString).appendingPathComponent(String(parts[1]))
                    guard let data = FileManager.default.contents(atPath: path) else { throw .missing(path: path) }
                    let found = SHA256.hex([UInt8](data))
                    guard found == parts[0] else {
                        throw .checksumMismatch(path: path, expected: String(parts[0]), found: found)
                    }
                    checked += 1
                }
            }
            let sums = checked > 0 ? ", \(checked) checksums match" : " (system package: no manifest to compare)"
            lines.append("\(name.title): ok — 4 files read in full\(sums)")
        }
        return lines
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
