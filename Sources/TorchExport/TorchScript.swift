import Foundation

/// A whole runnable PyTorch script: a header saying where it came from and how to run it, the helpers its
/// cells need, then every cell translated, each under its notebook source as a comment.
public struct TorchScript: Sendable {
    /// Where the cells came from ("lesson 01-tensors.md", "a ganbook session").
    public let origin: String
    /// The folder holding `mnist/` and `fashion/` as ganbook found it (the script's default; GANBOOK_DATA_DIR overrides).
    public let dataDirectory: String
    /// Sections: a title (a lesson step, or nil) and its cells.
    public var sections: [(title: String?, cells: [String])] = []
    /// The file beside the script holding the session's weights and recorded steps (`--weights`), if any.
    public var weightsFile: String?

    /// The first bytes of every script (how `:export --torch` and `ganbook export` recognise a file they wrote).
    public static let header = "#!/usr/bin/env python3\n\"\"\"PyTorch version of "

    public init(origin: String, dataDirectory: String) {
        self.origin = origin
        self.dataDirectory = dataDirectory
    }

    /// The script's text, and how many cells had no PyTorch equivalent (they stay in it as comments).
    public func render() -> (text: String, untranslated: Int, cells: Int) {
        var translator = TorchTranslator()
        var body: [String] = []
        var helpers: [String] = []
        var untranslated = 0, cells = 0
        for (title, section) in sections {
            if let title { body += ["", "", "# " + String(repeating: "─", count: 4) + " " + title] }
            for cell in section {
                cells += 1
                let t = translator.translate(cell)
                if t.missing != nil { untranslated += 1 }
                for h in t.helpers where !helpers.contains(h) { helpers.append(h) }
                body.append("")
                if t.missing == nil { body += cell.split(separator: "\n", omittingEmptySubsequences: false).map { "# >>> " + $0 } }
                body += t.lines
            }
        }
        if weightsFile != nil { helpers.append("agree_with_session") }
        var text = [
            TorchScript.header + "\(origin), written by ganbook's export.",
            "",
            "Each notebook cell appears as a `# >>>` comment followed by its PyTorch equivalent. Run it with a Python that has",
            "torch:  python3 \(weightsFile == nil ? "SCRIPT.py" : "SCRIPT.py [--check-only]") [--quick]",
            "",
            "Numbers computed from the cells' own values (tensors you typed, data files, saved weights) are the notebook's,",
            "to float rounding. Random numbers come from torch's generator, not ganbook's, so random tensors, initial",
            "weights and the training that follows them differ from a session's\(weightsFile == nil ? "" : " (the check at the end replays the session's\nrecorded start, batches and noise instead, and compares)").",
            "Pictures are written as PNG files under ./pictures (GANBOOK_PICTURES), MNIST is read from ganbook's own files.",
            "\"\"\"",
            TorchHelpers.source(for: helpers),
            "",
            "",
            "DATA_DIR = " + TorchTranslator.pythonString(dataDirectory),
        ].joined(separator: "\n")
        if let weightsFile {
            text += "\nWEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), " + TorchTranslator.pythonString(weightsFile) + ")"
            text += "\n\nif \"--check-only\" not in sys.argv:  # the session's cells, then the check"
            text += "\n    pass" + body.map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
            text += "\n\nsys.exit(0 if agree_with_session(WEIGHTS) else 1)\n"
        } else {
            text += "\n" + body.joined(separator: "\n") + "\n"
        }
        return (text, untranslated, cells)
    }
}
