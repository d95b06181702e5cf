import Autograd
import CellLanguage
import NN
import TensorCore
import TextPlot

extension Interpreter {
    /// How a value prints: small tensors in full as PyTorch does, large ones as the one-line summary,
    /// models as a layer table.
    public func format(_ v: Value) -> [String] {
        switch v {
        case .none: return ["None"]
        case .bool(let b): return [b ? "True" : "False"]
        case .number(let x): return [Interpreter.number(x)]
        case .string(let s): return ["'" + s + "'"]
        case .list(let items):
            let parts = items.map { format($0) }
            if parts.allSatisfy({ $0.count == 1 }) { return ["[" + parts.map { $0[0] }.joined(separator: ", ") + "]"] }
            return ["["] + parts.flatMap { $0.map { "  " + $0 } } + ["]"]
        case .tensor(let t): return Interpreter.formatTensor(t, charset: display.style.charset)
        case .module(let m): return Interpreter.moduleTable(m, charset: display.style.charset)
        case .optimizer(let o):
            var text = "\(String(describing: type(of: o)))(lr=\(Interpreter.number(Double(o.learningRate)))"
            if let adam = o as? Adam { text += ", betas=(\(Interpreter.number(Double(adam.beta1))), \(Interpreter.number(Double(adam.beta2))))" }
            if let sgd = o as? SGD, sgd.momentum != 0 { text += ", momentum=\(Interpreter.number(Double(sgd.momentum)))" }
            return [text + ") over \(o.parameters.count) tensors"]
        case .dataset(let d):
            return [
                "\(d.name.title): \(d.train.count) training and \(d.test.count) test images, \(d.train.rows)×\(d.train.cols), classes: "
                    + d.name.classNames.joined(separator: ", "), "  source: \(d.source)",
            ]
        case .function(let f): return ["<function \(f.help?.signature ?? f.name)>"]
        case .object(let o): return o.describe(style: display)
        }
    }

    /// Numbers as a learner expects: 3, 0.5, 0.333333, 1e-05.
    public static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        let a = abs(x)
        if a >= 1e-4 && a < 1e15 {
            var text = TextPlot.formatFixed(x, decimals: max(0, 6 - Int((a).log10Floor) - 1))
            if text.contains(".") { while text.hasSuffix("0") { text.removeLast() } }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        return TextPlot.formatNumber(x)
    }

    /// Elements printed in full up to this many; beyond, the one-line summary.
    public static let fullPrintLimit = 64

    public static func formatTensor(_ t: Variable, charset: Charset) -> [String] {
        let value = t.value
        let suffix = t.requiresGrad ? (t.isLeaf ? ", grad" : ", grad_fn=\(t.op)") : ""
        guard value.count <= fullPrintLimit, value.count > 0 else {
            return [tensorSummary(shape: value.shape, values: value.scalars, requiresGrad: t.requiresGrad, charset: charset)]
        }
        let allIntegral = value.scalars.allSatisfy { $0 == $0.rounded() && abs($0) < 1e6 }
        let maxAbs = value.scalars.map { abs($0) }.max() ?? 0
        let scientific = !allIntegral && (maxAbs >= 1e4 || value.scalars.contains { $0 != 0 && abs($0) < 1e-4 })
        let cells = value.scalars.map { x -> String in
            if !x.isFinite { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
            if allIntegral { return String(Int(x)) + "." }
            if scientific { return x == 0 ? "0.00e+00" : TextPlot.formatScientific(Double(x)) }
            return TextPlot.formatFixed(Double(x), decimals: 4)
        }
        let width = cells.map(\.count).max() ?? 1
        let padded = cells.map { String(repeating: " ", count: width - $0.count) + $0 }
        if value.rank == 0 { return ["tensor(" + padded[0].trimmingLeadingSpaces() + suffix + ")"] }
        // Nested brackets, one row of the last axis per line, as PyTorch prints.
        var lines: [String] = []
        let rank = value.rank
        let rowLength = value.shape[rank - 1]
        let rows = value.count / max(rowLength, 1)
        // A row opens one bracket for every enclosing block it starts, and closes one for every block it ends.
        let blockSizes = (0..<(rank - 1)).map { value.shape[$0...].reduce(1, *) }
        for r in 0..<rows {
            let start = r * rowLength, end = start + rowLength
            let opens = blockSizes.filter { start % $0 == 0 }.count
            let closes = blockSizes.filter { end % $0 == 0 }.count
            let body = "[" + padded[start..<end].joined(separator: ", ") + "]"
            let indent = String(repeating: " ", count: rank - 1 - opens)
            var line = (r == 0 ? "tensor(" : "       ") + indent + String(repeating: "[", count: opens) + body + String(repeating: "]", count: closes)
            line += r == rows - 1 ? suffix + ")" : ","
            lines.append(line)
            if closes > 0 && r < rows - 1 && rank > 2 { lines.append("") }
        }
        return lines
    }

    /// A model as a table: one row per layer (name, type, settings, parameters) and the total.
    public static func moduleTable(_ m: Module, charset: Charset) -> [String] {
        let leaves = m.namedModules().filter { $0.module.children.isEmpty }
        let rows = leaves.map { name, module in
            [name.isEmpty ? "(model)" : name, module.typeName, module.settings, String(module.parameterCount)]
        }
        return ["\(m.typeName): \(m.parameterCount) parameters"]
            + Table.render(headers: ["layer", "type", "settings", "params"], rows: rows, alignments: [.left, .left, .left, .right], charset: charset)
    }
}

extension Double {
    /// ⌊log10 |x|⌋ for x ≠ 0.
    var log10Floor: Double {
        var e = 0.0, a = Swift.abs(self)
        while a >= 10 { a /= 10; e += 1 }
        while a < 1 && a > 0 { a *= 10; e -= 1 }
        return e
    }
}

extension String {
    func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
}
