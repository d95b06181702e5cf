import CellLanguage
import Datasets
import Foundation
import TensorCore

/// What running one cell produced: its outputs in order, the echoed value, or the error with its
/// rendering under the source (caret included).
public struct CellResult: Sendable {
    public let outputs: [Output]
    public let error: CellError?
    /// Everything as plain lines, as a pipe or a test sees it.
    public let lines: [String]
    public var succeeded: Bool { error == nil }
}

/// The one entry point for the prompt, the lesson files and the tests: `run(cell)`.
public final class Session {
    public let interpreter: Interpreter

    public init(seed: UInt64 = 0, display: DisplayStyle = DisplayStyle(), dataDirectory: DataDirectory? = nil) {
        interpreter = Interpreter(seed: seed, display: display, dataDirectory: dataDirectory)
    }

    /// Parses and runs a cell. Never throws and never traps on any input: every problem is a result.
    public func run(_ source: String) -> CellResult {
        // A Ctrl-C that this cell did not act on (it came as the cell ended) must not cancel the next one.
        defer { interruptRequested.store(false, ordering: .relaxed) }
        // A cell that does not parse prints nothing of its own: not the previous cell's output either.
        interpreter.outputs = []
        do {
            let statements = try Parser.parse(source)
            let value = try interpreter.run(statements)
            var outputs = interpreter.outputs
            if let value {
                if case .none = value {
                } else {
                    interpreter.variables["_"] = value
                    outputs.append(.text(interpreter.format(value)))
                }
            }
            return CellResult(outputs: outputs, error: nil, lines: outputs.flatMap(\.plainLines))
        } catch {
            let outputs = interpreter.outputs
            let rendered = Diagnostic.render(error, source: source)
            return CellResult(outputs: outputs + [.text(rendered)], error: error, lines: outputs.flatMap(\.plainLines) + rendered)
        }
    }
}
