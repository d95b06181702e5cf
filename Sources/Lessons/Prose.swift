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
    /// A paragraph (or a whole block of prose) with its conditions resolved and its values filled in.
    /// A condition that fails to evaluate shows as `{?if condition: message}`, so lesson tests catch it.
    public func interpolate(lines: [String]) -> [String] {
        let resolved = resolveConditions(lines.joined(separator: "\n"))
        var out: [String] = []
        var paragraph: [String] = []
        func flush() {
            if !paragraph.isEmpty { out += Session.wrap(paragraph.joined(separator: " "), width: Session.proseWidth) }
            paragraph = []
        }
        for line in resolved.components(separatedBy: "\n") {
            let filled = interpolate(line)
            if Session.isPlainProse(line) {
                paragraph.append(filled.trimmed)
                continue
            }
            flush()
            // A condition that filled a line with nothing leaves no blank line behind.
            if filled.trimmed.isEmpty, out.last?.trimmed.isEmpty ?? true { continue }
            out.append(filled)
        }
        flush()
        while out.last?.trimmed.isEmpty == true { out.removeLast() }
        return out
    }

    /// Lessons are written in lines of about this width; a paragraph whose numbers or conditions
    /// changed its length is wrapped again to it.
    static let proseWidth = 100

    /// A line of running text: not blank, not indented (a list item's continuation, code), not a
    /// list item, quote, table or heading. Only such lines are joined and wrapped again.
    static func isPlainProse(_ line: String) -> Bool {
        guard let first = line.first, first != " ", first != "\t" else { return false }
        if "-*>|#`".contains(first) { return false }
        if first.isNumber, let dot = line.firstIndex(of: "."), line[..<dot].allSatisfy(\.isNumber) { return false }
        return true
    }

    /// Words of `text` in lines of at most `width` characters (a longer word gets a line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
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
