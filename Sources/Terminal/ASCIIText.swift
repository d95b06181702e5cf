/// `--ascii`: the notebook's own text (banners, step headers, prose, marks) kept to ASCII, for
/// terminals and fonts without Unicode. Pictures are drawn in ASCII already; this folds the rest.
public enum ASCIIText {
    /// Each character outside ASCII as its nearest ASCII spelling; one without any becomes "?".
    public static func fold(_ line: String) -> String {
        guard !line.unicodeScalars.allSatisfy(\.isASCII) else { return line }
        var out = ""
        for c in line {
            if c.isASCII { out.append(c) } else { out += replacements[c] ?? "?" }
        }
        return out
    }

    static let replacements: [Character: String] = [
        "—": "--", "–": "-", "─": "-", "━": "-", "│": "|", "…": "...", "·": ".", "•": "*",
        "→": "->", "←": "<-", "↑": "^", "↓": "v", "↳": "->", "⇒": "=>",
        "✓": "ok", "✔": "ok", "✗": "x", "✘": "x", "×": "x", "÷": "/", "−": "-", "±": "+/-",
        "≥": ">=", "≤": "<=", "≈": "~", "≠": "!=", "∞": "inf", "∇": "grad ", "∂": "d", "Σ": "sum", "√": "sqrt",
        "²": "^2", "³": "^3", "½": "1/2", "¼": "1/4", "¾": "3/4", "°": " deg",
        "“": "\"", "”": "\"", "‘": "'", "’": "'", "«": "<<", "»": ">>",
        "α": "alpha", "β": "beta", "γ": "gamma", "ε": "eps", "θ": "theta", "λ": "lambda", "μ": "mu", "σ": "sigma",
        "é": "e", "è": "e", "ü": "u", "ö": "o", "ä": "a", "ç": "c",
        "█": "#", "▓": "#", "▒": "+", "░": ".", "▀": "\"", "▄": "_", "▁": "_", "▂": "_", "▃": "-",
        "▅": "=", "▆": "=", "▇": "#", "\u{00A0}": " ",
    ]
}
