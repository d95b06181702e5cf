import Autograd
import CellLanguage
import NN
import TensorCore

/// `save(tensor, path)` / `load(path)`: tensors to and from a safetensors file, like `torch.save`, so
/// samples and masks can leave the notebook for other tools (NumPy, PyTorch, `safetensors`).
///
/// One tensor is stored under the name "tensor"; a list under "0", "1", …; all as float32 with
/// their shapes. `load` gives back a tensor for a file of one tensor, else a list in name order.
extension Builtins {
    static let fileBuiltins: [Builtin] = [
        define(
            "save", "save(tensor_or_list, path, overwrite=False)",
            "Writes a tensor, or a list of tensors, to a safetensors file (float32, shapes kept), atomically. It replaces only a safetensors file; overwrite=True replaces any file.",
            example: "save(gan.sample(16), \"samples.safetensors\")", topic: "notebook"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["obj", "path", "overwrite"], maxPositional: 2)
            let (v, r) = try args.required(0, "obj")
            let tensors: [Tensor]
            switch v {
            case .tensor(let t): tensors = [t.value]
            case .list(let items):
                var parts: [Tensor] = []
                for item in items { parts.append(try Interpreter.asTensor(item, at: r, what: "each item").value) }
                tensors = parts
            default: throw CellError(.type, "save takes a tensor or a list of tensors, got \(v.typeName)", at: r, hint: "save_model(net, path) saves a model")
            }
            let name = try args.string(1, "path")
            let overwrite = try args.bool(nil, "overwrite", default: false)
            let named: [(name: String, tensor: Tensor)] =
                if case .tensor = v { [("tensor", tensors[0])] } else { tensors.enumerated().map { (String($0.offset), $0.element) } }
            do throws(CheckpointError) {
                try SafeTensors.save(named, metadata: ["format": "pt", "ganbook": "save"], to: interp.resolve(name), overwrite: overwrite)
            } catch {
                throw CellError(.value, error.message, at: args.range)
            }
            let shapes = tensors.map { "[" + $0.shape.map(String.init).joined(separator: ", ") + "]" }
            let what = named.count == 1 && named[0].name == "tensor" ? "a tensor of shape \(shapes[0])" : "\(tensors.count) tensors"
            interp.emit(["saved \(what) to \(name)"])
            return .none
        },
        define(
            "load", "load(path)", "Reads a safetensors file: one tensor, or a list of them in name order (any file of float tensors, not only ours).",
            example: "x = load(\"samples.safetensors\")", topic: "notebook"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["path"], maxPositional: 1)
            let name = try args.string(0, "path")
            let loaded: [(name: String, tensor: Tensor)]
            do throws(CheckpointError) {
                loaded = try SafeTensors.load(interp.resolve(name)).tensors
                if let bad = SafeTensors.firstNonFinite(loaded) { throw CheckpointError("\(name): \(bad)") }
            } catch {
                throw CellError(.value, error.message, at: args.range, hint: "save(tensor, path) writes one")
            }
            guard !loaded.isEmpty else { throw CellError(.value, "\(name) holds no tensors", at: args.range) }
            if loaded.count == 1 { return .tensor(Variable(loaded[0].tensor)) }
            // Names that are numbers ("0", "1", …, "10") in numeric order; others alphabetically after them.
            let ordered = loaded.sorted { a, b in
                switch (Int(a.name), Int(b.name)) {
                case (let x?, let y?): return x < y
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return a.name < b.name
                }
            }
            return .list(ordered.map { .tensor(Variable($0.tensor)) })
        },
    ]
}
