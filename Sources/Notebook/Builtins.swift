import CellLanguage

/// One builtin: its name, its help (signature, summary, example, topic) and what it does.
/// The table feeds evaluation, `help()` and tab completion alike, so they cannot disagree.
public struct Builtin: @unchecked Sendable {
    public let name: String
    public let help: HelpEntry
    public let function: Function
}

public enum Builtins {
    /// Every builtin by name.
    public static let table: [String: Builtin] = {
        var t: [String: Builtin] = [:]
        for b in tensorBuiltins + autogradBuiltins + nnBuiltins + modelBuiltins + fileBuiltins + pictureBuiltins + dataBuiltins + ganBuiltins + restoreBuiltins + judgeBuiltins + detectorBuiltins + coinBuiltins + utilityBuiltins {
            precondition(t[b.name] == nil, "builtin \(b.name) defined twice")
            t[b.name] = b
        }
        return t
    }()

    /// Topics for `help()`, in teaching order.
    public static let topics = ["tensors", "maths", "autograd", "layers", "losses", "optimizers", "data", "pictures", "gan", "notebook"]

    static func define(
        _ name: String, _ signature: String, _ summary: String, example: String, topic: String,
        _ body: @escaping (Arguments, Interpreter) throws(CellError) -> Value
    ) -> Builtin {
        let help = HelpEntry(signature, summary, example: example, topic: topic)
        return Builtin(name: name, help: help, function: Function(name: name, help: help, call: body))
    }
}
