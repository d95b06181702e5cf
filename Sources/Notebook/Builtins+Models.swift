import Autograd
import CellLanguage
import NN
import TensorCore
import TextPlot

extension Builtins {
    static let modelBuiltins: [Builtin] = [
        define(
            "save_model", "save_model(model, path, overwrite=False)",
            "Writes a model's parameters and buffers as safetensors (PyTorch's state_dict names), atomically. It replaces only a safetensors file; overwrite=True replaces any file.",
            example: "save_model(net, \"classifier.safetensors\")", topic: "layers"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["model", "path", "overwrite"], maxPositional: 2)
            let (v, r) = try args.required(0, "model")
            guard case .module(let m) = v else { throw CellError(.type, "save_model takes a model, got \(v.typeName)", at: r) }
            let name = try args.string(1, "path")
            let path = interp.resolve(name)
            let overwrite = try args.bool(nil, "overwrite", default: false)
            do throws(CheckpointError) {
                try SafeTensors.save(m.stateDict(), metadata: ["format": "pt", "model": m.typeName], to: path, overwrite: overwrite)
            } catch {
                throw CellError(.value, error.message, at: args.range)
            }
            interp.emit(["saved \(m.parameterCount) parameters to \(name)"])
            return .none
        },
        define(
            "load_model", "load_model(model, path)", "Loads parameters saved by save_model into a model of the same shape.",
            example: "load_model(net, \"classifier.safetensors\")", topic: "layers"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["model", "path"], maxPositional: 2)
            let (v, r) = try args.required(0, "model")
            guard case .module(let m) = v else { throw CellError(.type, "load_model takes a model, got \(v.typeName)", at: r) }
            let name = try args.string(1, "path")
            let path = interp.resolve(name)
            do throws(CheckpointError) {
                let tensors = try SafeTensors.load(path).tensors
                if let bad = SafeTensors.firstNonFinite(tensors) { throw CheckpointError("\(path): \(bad)") }
                try m.loadStateDict(Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a }))
            } catch {
                throw CellError(.value, error.message, at: args.range, hint: "train and save_model it first, or check the file name")
            }
            interp.emit(["loaded \(name)"])
            return .module(m)
        },
        define(
            "confusion", "confusion(logits, target)", "A table: rows are true classes, columns predicted ones, with per-class accuracy.",
            example: "confusion(net(x), y)", topic: "losses"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["logits", "target"], maxPositional: 2)
            let (logits, target) = try classArguments(Arguments(function: "accuracy", positional: args.positional, keywords: args.keywords, range: args.range))
            let classes = logits.shape[1]
            let predicted = logits.value.argmax(axis: 1)
            var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
            for (p, t) in zip(predicted.scalars, target.scalars) { counts[Int(t)][Int(p)] += 1 }
            let rows = (0..<classes).map { c -> [String] in
                let total = counts[c].reduce(0, +)
                let acc = total > 0 ? formatFixed(100 * Double(counts[c][c]) / Double(total), decimals: 1) + "%" : "—"
                return [String(c)] + counts[c].map(String.init) + [acc]
            }
            interp.emit(
                Table.render(
                    headers: ["true\\pred"] + (0..<classes).map(String.init) + ["right"], rows: rows,
                    alignments: Array(repeating: .right, count: classes + 2), charset: interp.display.style.charset))
            return .none
        },
    ]
}
