/// Inline Markdown in lesson prose — `**bold**`, `*emphasis*` and `` `code` `` — as terminal styles
/// (bold, italic, cyan) when the display has colour, or as plain text with the markers dropped.
/// Wrapping counts only the characters that show, so a styled line is as wide as its plain twin.
enum InlineMarkdown {
    struct Marks: OptionSet, Hashable {
        let rawValue: Int
        static let bold = Marks(rawValue: 1)
        static let emphasis = Marks(rawValue: 2)
        static let code = Marks(rawValue: 4)

        /// The escape sequence that turns these marks on (after a reset).
        var escape: String {
            var codes: [String] = []
            if contains(.bold) { codes.append("1") }
            if contains(.emphasis) { codes.append("3") }
            if contains(.code) { codes.append("36") }
            return codes.isEmpty ? "" : "\u{1B}[" + codes.joined(separator: ";") + "m"
        }
    }

    /// A character that shows, and the marks it is shown with.
    struct Glyph {
        let character: Character
        let marks: Marks
    }

    /// The visible characters of `text`, each with its marks. A marker is one only when it is closed
    /// later in the text and sits as Markdown wants it (`*` next to a word, not in `2 * 3`);
    /// anything else, like a lone `*` or backtick, shows as typed.
    static func glyphs(_ text: String) -> [Glyph] {
        let chars = Array(text)
        var out: [Glyph] = []
        var marks: Marks = []
        var i = 0
        func opens(_ marker: String, at i: Int) -> Bool {
            let n = marker.count
            guard i + n < chars.count, chars[i + n] != " " else { return false }
            return i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber)
        }
        /// Where the marker that closes a span whose content starts at `start` is (the content not empty).
        func closing(_ marker: String, after start: Int) -> Int? {
            let m = Array(marker)
            var j = start + 1
            while j + m.count <= chars.count {
                if Array(chars[j..<j + m.count]) == m, chars[j - 1] != " ",
                    marker == "`" || j + m.count == chars.count || !(chars[j + m.count].isLetter || chars[j + m.count].isNumber)
                {
                    // `**` is not the end of a `*` span.
                    if marker == "*", j + 1 < chars.count, chars[j + 1] == "*" { j += 2; continue }
                    return j
                }
                j += 1
            }
            return nil
        }
        // Where each open span closes: found when it opens, so `**x**y and z**` closes at the first `**`
        // that `closing` accepted, and a span opens only if it closes inside the spans around it.
        var closeAt: [Marks: Int] = [:]
        func open(_ mark: Marks, closingAt j: Int?) -> Bool {
            guard let j, closeAt.values.allSatisfy({ j < $0 }) else { return false }
            marks.insert(mark)
            closeAt[mark] = j
            return true
        }
        func close(_ mark: Marks, at i: Int) -> Bool {
            guard marks.contains(mark), closeAt[mark] == i else { return false }
            marks.remove(mark)
            closeAt[mark] = nil
            return true
        }
        while i < chars.count {
            let c = chars[i]
            if c == "`" {
                if close(.code, at: i) || (!marks.contains(.code) && open(.code, closingAt: closing("`", after: i + 1))) {
                    i += 1
                    continue
                }
            } else if c == "*", !marks.contains(.code) {
                if close(.bold, at: i) {
                    i += 2
                    continue
                }
                if close(.emphasis, at: i) {
                    i += 1
                    continue
                }
                let double = i + 1 < chars.count && chars[i + 1] == "*"
                if double, !marks.contains(.bold), opens("**", at: i), open(.bold, closingAt: closing("**", after: i + 2)) {
                    i += 2
                    continue
                }
                if !marks.contains(.emphasis), opens("*", at: i), open(.emphasis, closingAt: closing("*", after: i + 1)) {
                    i += 1
                    continue
                }
            }
            out.append(Glyph(character: c, marks: marks))
            i += 1
        }
        return out
    }

    /// The glyphs as one line of text: escapes where the marks change, a reset at the end.
    static func line(_ glyphs: some Collection<Glyph>, styled: Bool) -> String {
        guard styled else { return String(glyphs.map(\.character)) }
        var out = ""
        var current: Marks = []
        for g in glyphs {
            if g.marks != current {
                if !current.isEmpty { out += "\u{1B}[0m" }
                out += g.marks.escape
                current = g.marks
            }
            out.append(g.character)
        }
        if !current.isEmpty { out += "\u{1B}[0m" }
        return out
    }

    /// `text` wrapped to `width` visible columns; the first line starts with `first`, the others with
    /// `rest` (a list item's hanging indent). A word longer than the width gets a line of its own.
    static func wrap(_ text: String, width: Int, first: String = "", rest: String = "", styled: Bool) -> [String] {
        let all = glyphs(text)
        var words: [ArraySlice<Glyph>] = []
        var start = 0
        for (i, g) in all.enumerated() where g.character == " " {
            if i > start { words.append(all[start..<i]) }
            start = i + 1
        }
        if start < all.count { words.append(all[start...]) }

        var lines: [String] = []
        var current: [Glyph] = []
        var prefix = first
        for word in words {
            if current.isEmpty {
                current = Array(word)
            } else if prefix.count + current.count + 1 + word.count <= width {
                current.append(Glyph(character: " ", marks: current.last!.marks.intersection(word.first!.marks)))
                current += word
            } else {
                lines.append(prefix + line(current, styled: styled))
                prefix = rest
                current = Array(word)
            }
        }
        if !current.isEmpty { lines.append(prefix + line(current, styled: styled)) }
        return lines
    }
}
