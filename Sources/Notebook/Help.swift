/// What `help(x)` and `x?` say about a builtin or a method: signature, one line, an example.
public struct HelpEntry: Sendable {
    public let signature: String
    public let summary: String
    public let example: String
    public let topic: String

    public init(_ signature: String, _ summary: String, example: String, topic: String) {
        (self.signature, self.summary, self.example, self.topic) = (signature, summary, example, topic)
    }

    public var lines: [String] { [signature, "  " + summary, "  example: " + example] }
}
