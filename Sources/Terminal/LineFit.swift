/// A line of text wider than the window — a notice, a message, printed output — wrapped at spaces so
/// no word is cut at the edge ("not / hing"). Left alone: lines with colour (pictures), indented lines
/// (a cell's echo above its caret, tables, code) and lines that fit.
public enum LineFit {
    public static func fit(_ line: String, width: Int) -> [String] {
        guard width >= 20, line.count > width, !line.contains("\u{1B}"), let first = line.first, first != " " else { return [line] }
        var lines: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            let indent = lines.isEmpty ? "" : "  "
            if current.isEmpty {
                current = indent + word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = "  " + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
