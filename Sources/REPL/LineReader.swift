/// Where the REPL's input lines come from. The terminal uses GNU readline; pipes and tests use
/// plain line reading (readline on a pipe would echo every line and write history).
public protocol LineReader {
    /// The next line without its newline, or nil at end of input (Ctrl-D).
    mutating func readLine(prompt: String) -> String?
}

/// Lines from standard input with no echo, prompt or history: for pipes and scripts.
public struct PlainLineReader: LineReader {
    public init() {}
    public mutating func readLine(prompt: String) -> String? {
        Swift.readLine(strippingNewline: true)
    }
}

/// Lines from a fixed script: for tests.
public struct ScriptedLineReader: LineReader {
    private var lines: [String]
    public private(set) var prompts: [String] = []

    public init(_ lines: [String]) { self.lines = lines }

    public mutating func readLine(prompt: String) -> String? {
        prompts.append(prompt)
        return lines.isEmpty ? nil : lines.removeFirst()
    }
}
