import Autograd
import CellLanguage
import Datasets
import NN
import TensorCore

/// Everything a cell can compute. Tensors are autograd variables, so any of them can carry `.grad`.
public enum Value {
    case none
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([Value])
    case tensor(Variable)
    case module(Module)
    case optimizer(Optimizer)
    case dataset(ImageDataset)
    case function(Function)
    /// A richer notebook object with its own attributes and methods (GAN trainer, coin game…).
    case object(NotebookObject)

    /// The type name used in messages and `vars()`.
    public var typeName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? "int" : "float"
        case .string: return "str"
        case .list: return "list"
        case .tensor: return "tensor"
        case .module(let m): return m.typeName
        case .optimizer(let o): return String(describing: type(of: o))
        case .dataset: return "dataset"
        case .function: return "function"
        case .object(let o): return o.typeName
        }
    }

    /// Python's truthiness: 0, empty and None are false; a one-element tensor by its value.
    public func truthy(at range: SourceRange) throws(CellError) -> Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .number(let v): return v != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .tensor(let t):
            guard t.value.count == 1 else {
                throw CellError(.value, "a tensor with \(t.value.count) elements is neither true nor false; use .any() or .all()", at: range)
            }
            return t.value.scalars[0] != 0
        default: return true
        }
    }
}

/// A callable: a builtin function, or a method bound to its receiver.
public struct Function: @unchecked Sendable {
    public let name: String
    public let help: HelpEntry?
    public let call: (Arguments, Interpreter) throws(CellError) -> Value
    /// A method bound to its receiver (`gan.step`), not a builtin: it cannot be found again by its name.
    public let isBoundMethod: Bool

    public init(name: String, help: HelpEntry?, isBoundMethod: Bool = false, call: @escaping (Arguments, Interpreter) throws(CellError) -> Value) {
        (self.name, self.help, self.isBoundMethod, self.call) = (name, help, isBoundMethod, call)
    }
}

/// Objects of the notebook beyond tensors and layers: they list their attributes and methods, which
/// also drives help and completion.
public protocol NotebookObject: AnyObject {
    var typeName: String { get }
    /// Attribute names (for completion and `help`).
    var attributeNames: [String] { get }
    func attribute(_ name: String, interpreter: Interpreter) throws(CellError) -> Value?
    /// How it prints.
    func describe(style: DisplayStyle) -> [String]
}
