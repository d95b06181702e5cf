import Foundation

/// How each notebook builtin and method is written in PyTorch: a direct `torch.…` / `nn.…` / `F.…` spelling,
/// a helper the script defines (`TorchHelpers`), or "no PyTorch equivalent" with the reason.
enum TorchBuiltins {
    /// A translation: the Python code (and the helper it calls), or why there is none.
    enum Translation {
        case code(String, helper: String?)
        case none(String)
    }

    typealias Rule = ([String], [(String, String)]) -> Translation

    /// `(a, b, key=c)`.
    static func arguments(_ a: [String], _ k: [(String, String)]) -> String {
        "(" + (a + k.map { "\($0.0)=\($0.1)" }).joined(separator: ", ") + ")"
    }

    /// Builtins that build an `nn.Module` with the same name in `torch.nn`.
    static let modules: Set<String> = [
        "Linear", "Conv2d", "ConvTranspose2d", "BatchNorm1d", "BatchNorm2d", "MaxPool2d", "ReLU", "Tanh", "Sigmoid", "LeakyReLU",
        "Dropout", "Flatten", "Sequential",
    ]
    /// Builtins whose value is a tensor.
    static let tensorMakers: Set<String> = [
        "tensor", "zeros", "ones", "randn", "rand", "randint", "full", "arange", "linspace", "eye", "stack", "cat", "exp", "log", "sqrt",
        "tanh", "sigmoid", "relu", "leaky_relu", "clamp", "softmax", "log_softmax", "matmul", "where", "detach", "mse_loss",
        "cross_entropy", "nll_loss", "bce", "bce_with_logits", "l1_loss", "crop_mask", "classify", "abs", "sum", "mean", "std",
        "var", "argmax", "argmin",
    ]

    /// `torch.NAME(…)`, the same arguments.
    static let sameInTorch: Set<String> = [
        "zeros", "ones", "randn", "rand", "eye", "linspace", "stack", "cat", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "clamp",
        "matmul", "sum", "mean", "std", "var", "argmax", "argmin",
    ]
    /// `F.NAME(…)`.
    static let functional: [String: String] = [
        "mse_loss": "F.mse_loss", "l1_loss": "F.l1_loss", "leaky_relu": "F.leaky_relu", "bce": "F.binary_cross_entropy", "bce_loss": "F.binary_cross_entropy",
        "bce_with_logits": "F.binary_cross_entropy_with_logits",
    ]
    /// Python's own.
    static let python: Set<String> = ["print", "len", "range", "abs", "round", "float", "int", "str", "min", "max", "help", "list"]
    /// Helpers the script defines under the notebook's own name.
    static let helpers: Set<String> = [
        "show", "plot", "hist", "heatmap", "graph", "save_png", "mnist", "fashion", "quick", "accuracy", "confusion", "save", "load",
        "save_model", "load_model", "median", "GAN", "load_gan", "coins_game", "coins_games",
    ]
    /// Notebook builtins that no script can reproduce, with the reason.
    static let noEquivalent: [String: String] = [
        "restore": "restore() searches G's latent space with ganbook's own optimiser loop (lesson 6)",
        "crop_mask": "crop_mask() is a notebook helper of lesson 6",
        "classify": "classify() uses the classifier lesson 3 saved, inside the notebook",
        "fake_detector": "fake_detector() is lesson 6's detector, trained inside the notebook",
        "vars": "vars() lists the notebook's variables (Python's is dir())",
    ]

    /// The rule for a builtin called by name, or nil for a name that is not a builtin (a learner's variable).
    static func rule(_ name: String) -> Rule? {
        if name == "type" { return { a, _ in .code("type(\(a.first ?? "")).__name__", helper: nil) } }
        if let reason = noEquivalent[name] { return { _, _ in .none(reason) } }
        if sameInTorch.contains(name) { return { a, k in .code("torch.\(name)" + arguments(a, k), helper: nil) } }
        if let f = functional[name] { return { a, k in .code(f + arguments(a, k), helper: nil) } }
        if modules.contains(name) { return { a, k in .code("nn.\(name)" + arguments(a, k), helper: nil) } }
        if python.contains(name) { return { a, k in .code(name + arguments(a, k), helper: nil) } }
        if name == "GAN" {
            return { a, k in
                k.contains { $0 == ("conditional", "True") }
                    ? .none("the conditional GAN of lesson 6 (label planes in G and D, D's projection) is not in the script's GAN")
                    : .code("GAN" + arguments(a, k), helper: "GAN")
            }
        }
        if helpers.contains(name) { return { a, k in .code(name + arguments(a, k), helper: name) } }
        switch name {
        case "tensor":
            // The notebook keeps every number as a 32-bit float, so `tensor([0, 2])` is floats in PyTorch too.
            return { a, k in .code("torch.tensor" + arguments(a, [("dtype", "torch.float32")] + k), helper: nil) }
        case "full", "randint":
            // PyTorch wants the size as a tuple; the notebook's whole numbers are floats.
            return { a, k in
                var a = a
                let sizeIndex = name == "full" ? 0 : 2
                if a.count > sizeIndex { a[sizeIndex] = tuple(a[sizeIndex]) }
                let call = "torch.\(name)" + arguments(a, name == "full" ? k + [("dtype", "torch.float32")] : k)
                return .code(name == "randint" ? call + ".float()" : call, helper: nil)
            }
        case "arange": return { a, k in .code("torch.arange" + arguments(a, k + [("dtype", "torch.float32")]), helper: nil) }
        case "cross_entropy", "nll_loss":
            // Class indices are whole numbers in PyTorch (`.long()`); the notebook keeps them as floats.
            return { a, k in
                var a = a
                if a.count > 1 { a[1] = postfix(a[1]) + ".long()" }
                return .code("F.\(name)" + arguments(a, k), helper: nil)
            }
        case "detach": return { a, _ in .code(postfix(a.first ?? "") + ".detach()", helper: nil) }
        case "backward": return { a, _ in .code(postfix(a.first ?? "") + ".backward()", helper: nil) }
        case "zero_grad": return { a, _ in .code(postfix(a.first ?? "") + ".grad = None", helper: nil) }
        case "softmax", "log_softmax":
            // The notebook's default axis is the last one; PyTorch wants it said.
            return { a, k in .code("torch.\(name)" + arguments(a, a.count > 1 || k.contains { $0.0 == "dim" } ? k : k + [("dim", "-1")]), helper: nil) }
        case "where":
            // PyTorch's condition is a bool tensor; the notebook's is 0./1. floats.
            return { a, k in
                var a = a
                if !a.isEmpty { a[0] = "torch.as_tensor(\(a[0])) != 0" }
                return .code("torch.where" + arguments(a, k), helper: nil)
            }
        case "Unflatten": return { a, k in .code("nn.Unflatten" + arguments(["1"] + a.map(tuple), k), helper: nil) }
        case "SGD", "Adam": return { a, k in .code("torch.optim.\(name)" + arguments(a, k), helper: nil) }
        case "seed": return { a, _ in .code("torch.manual_seed(\(a.first ?? "0"))", helper: nil) }
        default: return nil
        }
    }

    /// A builtin named without a call (`f = relu`): its PyTorch spelling.
    static func bareName(_ name: String) -> (code: String, helper: String?)? {
        if sameInTorch.contains(name) { return ("torch.\(name)", nil) }
        if let f = functional[name] { return (f, nil) }
        return nil
    }

    /// `x.method(…)` in PyTorch.
    static func method(_ m: String, ownerKind: TorchTranslator.Kind, owner o: String, _ a: [String], _ k: [(String, String)]) -> Translation {
        let same = Translation.code(o + "." + m + arguments(a, k), helper: nil)
        if m == "zero_grad", ownerKind == .tensor {
            // A tensor has no zero_grad in PyTorch: the notebook's forgets the gradient, as `w.grad = None` does.
            return .code("\(o).grad = None", helper: nil)
        }
        if m == "parameters", ownerKind != .gan {
            return .code("list(\(o).parameters())", helper: nil)  // a list in the notebook, a one-shot generator in PyTorch
        }
        if m == "softmax" || m == "log_softmax", a.isEmpty, !k.contains(where: { $0.0 == "dim" }) {
            return .code(o + "." + m + "(dim=-1)", helper: nil)
        }
        if m == "max" || m == "min", ownerKind != .gan, k.contains(where: { $0.0 == "dim" }) || a.count == 1 {
            // PyTorch's max along an axis returns (values, indices); the notebook's returns the values.
            return .code(o + "." + m + arguments(a, k) + ".values", helper: nil)
        }
        if ownerKind == .gan, let reason = ganWithout[m] { return .none(reason) }
        return same
    }

    /// GAN methods the script's `GAN` class does not have.
    static let ganWithout: [String: String] = [
        "digit_accuracy": "digit_accuracy() reads G's digits with lesson 3's classifier, inside the notebook",
        "train_against": "train_against() trains G against lesson 6's fake detector, inside the notebook",
        "table": "gan.table() is a picture of the notebook's conditional GAN",
    ]

    /// `a` as a tuple when it is a list literal (`[3]` → `(3,)`).
    static func tuple(_ a: String) -> String {
        guard a.hasPrefix("["), a.hasSuffix("]") else { return a }
        let inner = String(a.dropFirst().dropLast())
        return inner.contains(",") ? "(" + inner + ")" : "(" + inner + ",)"
    }

    /// `a` ready for `.method`: bracketed unless it is a name, a call or an index.
    static func postfix(_ a: String) -> String {
        let simple = a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        return simple || (a.hasSuffix(")") || a.hasSuffix("]")) && !a.contains(" ") ? a : "(" + a + ")"
    }
}
