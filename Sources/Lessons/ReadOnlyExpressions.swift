import CellLanguage
import Notebook

/// What a lesson file may compute outside its cells: the `{…}` values in its prose, its checks and
/// its predict answers run when a step is *shown* or *checked*, before the learner has run anything
/// of their own. A lesson someone hands you must not be able to write files, train, print or move
/// the random generator there, so those expressions may only read: literals, names, operators,
/// indexing, attributes, and calls of the functions and methods below, which compute a value and
/// change nothing. (Cells are different: the learner sees them and runs them.)
public enum ReadOnlyExpression {
    /// Builtins that only compute a value from their arguments.
    static let functions: Set<String> = [
        "tensor", "zeros", "ones", "full", "arange", "linspace", "eye", "exp", "log", "sqrt", "tanh", "sigmoid", "relu",
        "leaky_relu", "clamp", "sum", "mean", "std", "var", "argmax", "argmin", "softmax", "log_softmax", "matmul", "where",
        "cat", "stack", "len", "range", "abs", "median", "max", "min", "round", "float", "int", "str", "type", "quick",
        "mse_loss", "bce_loss", "bce_with_logits", "cross_entropy", "nll_loss", "accuracy", "detach",
    ]
    /// Methods that only read their receiver.
    static let methods: Set<String> = [
        "item", "numel", "tolist", "size", "reshape", "view", "flatten", "squeeze", "unsqueeze", "transpose", "permute",
        "pow", "any", "all", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "leaky_relu", "clamp", "sum", "mean",
        "std", "var", "max", "min", "argmax", "argmin", "softmax", "log_softmax", "matmul", "detach",
    ]
    /// Layers a check or an answer may build and apply on the spot (`Conv2d(1, 1, 3, padding=1)(x).shape`):
    /// a new layer touches nothing the learner has (its initial weights come from the session's generator,
    /// as in a cell).
    static let layers: Set<String> = ["Linear", "Conv2d", "ConvTranspose2d", "MaxPool2d", "Flatten", "Unflatten", "LeakyReLU"]

    /// Refuses an expression that could write, print, train or change a value, naming the call that would.
    public static func check(_ e: Expr) throws(CellError) {
        func refuse(_ what: String, _ range: SourceRange) -> CellError {
            CellError(
                .value, "a lesson's prose, checks and answers may only read values; \(what) could change something", at: range,
                hint: "move it into a cell, where the learner sees it and runs it")
        }
        func visit(_ e: Expr) throws(CellError) {
            switch e {
            case .number, .string, .bool, .none, .name: return
            case .list(let items, _): for item in items { try visit(item) }
            case .unary(_, let x, _), .attribute(let x, _, _): try visit(x)
            case .binary(_, let a, let b, _): try visit(a); try visit(b)
            case .index(let x, let subscripts, _):
                try visit(x)
                for s in subscripts {
                    switch s {
                    case .at(let i): try visit(i)
                    case .slice(let a, let b, let c): for part in [a, b, c] { if let part { try visit(part) } }
                    }
                }
            case .call(let callee, let args, let keywords, let range):
                switch callee {
                case .name(let n, _) where functions.contains(n) || layers.contains(n): break
                case .attribute(let receiver, let m, _) where methods.contains(m): try visit(receiver)
                case .call(.name(let n, _), _, _, _) where layers.contains(n): try visit(callee)
                case .name(let n, _): throw refuse("calling \(n)()", range)
                case .attribute(_, let m, _): throw refuse("calling .\(m)()", range)
                default: throw refuse("this call", range)
                }
                for a in args { try visit(a) }
                for k in keywords { try visit(k.value) }
            }
        }
        try visit(e)
    }
}

extension Session {
    /// Evaluates one expression of a lesson file (`{value}` in prose, a condition, a check, a predict
    /// answer); the error when it fails. Such expressions may only read (`ReadOnlyExpression`): a
    /// lesson must not write files or change the session when a step is shown.
    public func evaluate(_ expression: String) -> Result<Value, CellError> {
        do {
            let e = try Parser.parseExpression(expression)
            try ReadOnlyExpression.check(e)
            return .success(try interpreter.evaluate(e))
        } catch { return .failure(error) }
    }
}
