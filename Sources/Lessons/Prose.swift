import CellLanguage
import Notebook

/// Lesson prose with live values: `{expression}`, `{expression:.Nf}` and conditional text
/// (format: lessons/README.md).
///
///     {if median(c.spread) < 0.5 * c.real_spread}every fake is nearly the same coin{else}the fakes still vary{end}
///
/// A condition is evaluated in the learner's session, so the sentence that is shown is the one that
/// the numbers support. Conditions may nest, may span lines, and may have `{elif condition}` branches.
extension Session {
    /// A paragraph (or a whole block of prose) with its conditions resolved and its values filled in,
    /// then wrapped to the display's width (at most `proseWidth`) and its inline Markdown shown as
    /// terminal styles, or plainly without colour. Wrapping comes after the values go in, so a long
    /// number never breaks a word. A condition that fails to evaluate shows as
    /// `{?if condition: message}`, so lesson tests catch it.
    public func interpolate(lines: [String]) -> [String] {
        let resolved = resolveConditions(lines.joined(separator: "\n"))
        let width = min(Session.proseWidth, interpreter.display.width - 1)
        let styled = interpreter.display.style.color != .none
        var out: [String] = []
        // The running paragraph, or list item (with its marker and the indent of its next lines).
        var paragraph: [String] = []
        var item: (marker: String, indent: String)?
        func flush() {
            if !paragraph.isEmpty {
                let text = paragraph.joined(separator: " ")
                out += InlineMarkdown.wrap(text, width: width, first: item?.marker ?? "", rest: item?.indent ?? "", styled: styled)
            }
            paragraph = []
            item = nil
        }
        for line in resolved.components(separatedBy: "\n") {
            let filled = interpolate(line)
            // A continuation is indented by exactly the marker's width and is not an item of its own (a nested list).
            if let item, !paragraph.isEmpty, line.hasPrefix(item.indent), !line.dropFirst(item.indent.count).hasPrefix(" "),
                Session.listMarker(String(line.dropFirst(item.indent.count))) == nil, !filled.trimmed.isEmpty
            {
                paragraph.append(filled.trimmed)
                continue
            }
            if Session.isPlainProse(line), item == nil {
                paragraph.append(filled.trimmed)
                continue
            }
            flush()
            if let marker = Session.listMarker(filled) {
                item = (marker, String(repeating: " ", count: marker.count))
                paragraph = [String(filled.dropFirst(marker.count)).trimmed]
                continue
            }
            if Session.isPlainProse(line) {
                paragraph.append(filled.trimmed)
                continue
            }
            // A condition that filled a line with nothing leaves no blank line behind.
            if filled.trimmed.isEmpty, out.last?.trimmed.isEmpty ?? true { continue }
            // Tables and indented code keep their columns: their markers stay as written.
            let keepsColumns = filled.hasPrefix("|") || filled.hasPrefix("    ")
            out.append(keepsColumns ? filled : InlineMarkdown.line(InlineMarkdown.glyphs(filled), styled: styled))
        }
        flush()
        while out.last?.trimmed.isEmpty == true { out.removeLast() }
        return out
    }

    /// Lessons are written in lines of about this width; prose is wrapped again to it, or to a
    /// narrower terminal.
    static let proseWidth = 100

    /// A line of running text: not blank, not indented (a list item's continuation, code), not a
    /// list item, quote, table or heading. Only such lines are joined and wrapped again.
    static func isPlainProse(_ line: String) -> Bool {
        guard let first = line.first, first != " ", first != "\t" else { return false }
        if line.hasPrefix("```") || listMarker(line) != nil { return false }
        if "->|#".contains(first) { return false }
        return true
    }

    /// The marker of a list item (`- `, `* `, `12. `), if the line starts one.
    static func listMarker(_ line: String) -> String? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return String(line.prefix(2)) }
        guard let dot = line.firstIndex(of: "."), line.index(after: dot) < line.endIndex, line[line.index(after: dot)] == " ",
            !line[..<dot].isEmpty, line[..<dot].allSatisfy(\.isNumber)
        else { return nil }
        return String(line[...line.index(after: dot)])
    }

    /// Replaces every top-level `{if …}…{end}` by its chosen branch, recursively.
    func resolveConditions(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{if ") {
            out += rest[..<open.lowerBound]
            guard let block = Session.conditionalBlock(rest[open.lowerBound...]) else {
                out += "{?if: this block has no {end}"
                return out
            }
            var chosen = ""
            branches: for branch in block.branches {
                guard let condition = branch.condition else { chosen = branch.text; break }
                let truth: Bool?
                switch evaluate(condition) {
                case .success(let v):
                    truth = try? v.truthy(at: SourceRange(0, 0))
                    if truth == nil { out += "{?if \(condition): neither true nor false}" }
                case .failure(let e):
                    out += "{?if \(condition): \(e.message)}"
                    truth = nil
                }
                switch truth {
                case .some(true): chosen = branch.text; break branches
                case .some(false): continue
                case .none: break branches
                }
            }
            out += resolveConditions(chosen)
            rest = rest[block.end...]
        }
        return out + rest
    }

    struct ConditionalBlock {
        /// Each branch's condition (nil for `{else}`) and its text.
        var branches: [(condition: String?, text: String)]
        /// Just after the block's `{end}`.
        var end: Substring.Index
    }

    /// Splits the block that starts at `text` (with `{if `) into its branches, skipping nested blocks.
    static func conditionalBlock(_ text: Substring) -> ConditionalBlock? {
        var branches: [(condition: String?, text: String)] = []
        var depth = 0
        var i = text.startIndex
        var condition: String?
        var bodyStart = text.startIndex
        while i < text.endIndex {
            guard text[i] == "{" else { i = text.index(after: i); continue }
            let tail = text[i...]
            guard let close = tail.firstIndex(of: "}") else { return nil }
            let tag = String(text[text.index(after: i)..<close])
            let next = text.index(after: close)
            if tag.hasPrefix("if ") {
                if depth == 0 { condition = String(tag.dropFirst(3)).trimmed; bodyStart = next }
                depth += 1
            } else if depth == 1 && (tag.hasPrefix("elif ") || tag == "else") {
                branches.append((condition, String(text[bodyStart..<i])))
                condition = tag == "else" ? nil : String(tag.dropFirst(5)).trimmed
                bodyStart = next
            } else if tag == "end" {
                depth -= 1
                if depth == 0 {
                    branches.append((condition, String(text[bodyStart..<i])))
                    return ConditionalBlock(branches: branches, end: next)
                }
            }
            i = next
        }
        return nil
    }
}
