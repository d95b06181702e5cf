import Datasets
import Foundation

@testable import Notebook

/// A session on the project's data folder (fetched by `make data` before the tests run).
func makeSession(seed: UInt64 = 0, width: Int = 80) -> Session {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("datasets/data").path
    return Session(seed: seed, display: DisplayStyle(style: .plain, width: width), dataDirectory: DataDirectory(root: root))
}

extension Session {
    /// Runs cells in order and returns the last one's plain output, joined.
    func text(_ cells: String...) -> String {
        var last = CellResult(outputs: [], error: nil, lines: [])
        for cell in cells { last = run(cell) }
        return last.lines.joined(separator: "\n")
    }
}
