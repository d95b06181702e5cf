/// Where the REPL's input lines come from. The terminal uses GNU readline; pipes and tests use
/// plain line reading (readline on a pipe would echo every line and write history).
public protocol LineReader {
    /// The next line without its newline, or nil at end of input (Ctrl-D).
    mutating func readLine(prompt: String) -> String?
    /// The same, with `prefill` already typed (a lesson's next cell); readers without editing ignore it.
    mutating func readLine(prompt: String, prefill: String) -> String?
    /// Whether a person types the lines (a terminal, or a test playing one); a pipe's lines are only
    /// cells and commands.
    var isInteractive: Bool { get }
}

extension LineReader {
    public var isInteractive: Bool { true }
    public mutating func readLine(prompt: String, prefill: String) -> String? { readLine(prompt: prompt) }
}

/// Lines from standard input with no echo, prompt or history: for pipes and scripts.
public struct PlainLineReader: LineReader {
    public init() {}
    public var isInteractive: Bool { false }
    public mutating func readLine(prompt: String) -> String? {
        Swift.readLine(strippingNewline: true)
    }
}

/// Lines from a fixed script: for tests. Records the prompts and prefills it was shown.
public struct ScriptedLineReader: LineReader {
    private var lines: [String]
    public private(set) var prompts: [String] = []
    public private(set) var prefills: [String] = []

    public init(_ lines: [String]) { self.lines = lines }

    public mutating func readLine(prompt: String) -> String? { readLine(prompt: prompt, prefill: "") }

    /// An empty scripted line accepts the prefill, as Enter does at a real prompt.
    public mutating func readLine(prompt: String, prefill: String) -> String? {
        prompts.append(prompt)
        prefills.append(prefill)
        guard !lines.isEmpty else { return nil }
        let line = lines.removeFirst()
        return line.isEmpty ? prefill : line
    }
}
