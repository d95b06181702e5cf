/// Text tables with aligned columns: per-layer statistics, the lesson list, model summaries.
public enum Table {
    public enum Alignment: Sendable { case left, right }

    /// Header, a rule, then the rows; numbers are usually right-aligned. Columns are separated by two spaces.
    public static func render(headers: [String], rows: [[String]], alignments: [Alignment] = [], charset: Charset = .unicode) -> [String] {
        let columns = max(headers.count, rows.map(\.count).max() ?? 0)
        var widths = [Int](repeating: 0, count: columns)
        for row in [headers] + rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ row: [String]) -> String {
            var parts: [String] = []
            for i in 0..<columns {
                let cell = i < row.count ? row[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                parts.append((i < alignments.count && alignments[i] == .right) ? pad + cell : cell + pad)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        let rule = String(repeating: charset == .unicode ? "─" : "-", count: widths.reduce(0, +) + 2 * max(columns - 1, 0))
        return [line(headers), rule] + rows.map(line)
    }
}
