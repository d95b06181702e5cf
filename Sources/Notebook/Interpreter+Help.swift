import Autograd
import CellLanguage
import Datasets
import NN
import TensorCore
import TextPlot

extension Interpreter {
    /// `x?`: help on a builtin, a method (`x.sum?`) or a value.
    func helpLines(for e: Expr) throws(CellError) -> [String] {
        if case .attribute(let base, let name, let r) = e {
            let v = try evaluate(base)
            if let entry = memberHelp(v, name) { return entry.lines }
            _ = try attribute(v, name, at: r)  // raises the "no attribute" error with a suggestion
        }
        return help(for: try evaluate(e))
    }

    func memberHelp(_ v: Value, _ name: String) -> HelpEntry? {
        switch v {
        case .tensor:
            if Interpreter.tensorMethodBuiltins.contains(name) { return Builtins.table[name]?.help }
            return Interpreter.tensorTable.help(name)
        case .module: return Interpreter.moduleTable.help(name)
        case .optimizer: return Interpreter.optimizerTable.help(name)
        case .dataset: return ImageDataset.table.help(name)
        default: return nil
        }
    }

    public func help(for v: Value) -> [String] {
        switch v {
        case .function(let f):
            return f.help?.lines ?? ["\(f.name)(…)"]
        case .tensor(let t):
            let members = (Interpreter.tensorTable.names + Interpreter.tensorMethodBuiltins).sorted()
            return [
                "a tensor of shape \(describe(t.shape))" + (t.requiresGrad ? " that requires grad" : ""),
                "  attributes and methods: " + members.joined(separator: ", "),
                "  try: x.shape?  or  help(x.sum)",
            ]
        case .module(let m):
            return Interpreter.moduleTable(m, charset: display.style.charset)
                + ["  methods: " + Interpreter.moduleTable.names.joined(separator: ", ")]
        case .optimizer:
            return format(v) + ["  methods: " + Interpreter.optimizerTable.names.joined(separator: ", ")]
        case .dataset:
            return format(v) + ["  methods: " + ImageDataset.table.names.joined(separator: ", ")]
        case .object(let o):
            return o.describe(style: display) + ["  attributes and methods: " + o.attributeNames.joined(separator: ", ")]
        default:
            return ["a \(v.typeName): " + format(v).joined(separator: " ")]
        }
    }

    /// `help()`: every builtin by topic.
    public func topicsHelp() -> [String] {
        var lines = ["Builtins by topic (help(name) or name? for details):"]
        for topic in Builtins.topics {
            let names = Builtins.table.values.filter { $0.help.topic == topic }.map(\.name).sorted()
            guard !names.isEmpty else { continue }
            lines.append("  " + topic.padding(12) + names.joined(separator: ", "))
        }
        return lines
    }

    /// `vars()`: name, type and shape or value of every variable.
    public func variablesTable() -> [String] {
        guard !variables.isEmpty else { return ["no variables yet"] }
        let rows = variables.keys.sorted().map { name -> [String] in
            let v = variables[name]!
            let detail: String
            switch v {
            case .tensor(let t): detail = describe(t.shape) + (t.requiresGrad ? " grad" : "")
            case .module(let m): detail = "\(m.parameterCount) parameters"
            case .list(let l): detail = "\(l.count) items"
            default: detail = format(v).first.map { String($0.prefix(40)) } ?? ""
            }
            return [name, v.typeName, detail]
        }
        return Table.render(headers: ["name", "type", "shape / value"], rows: rows, charset: display.style.charset)
    }

    /// Tab completion: names in scope and builtins, or attributes after `name.`.
    public func completions(for text: String) -> [String] {
        // The identifier chain being typed at the end: "x.sh" → base "x", partial "sh".
        let tail = String(text.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }.reversed())
        if let dot = tail.lastIndex(of: ".") {
            let baseText = String(tail[..<dot]), partial = String(tail[tail.index(after: dot)...])
            guard !baseText.isEmpty, let base = try? evaluate(Parser.parseExpression(baseText)) else { return [] }
            return memberNames(base).filter { $0.hasPrefix(partial) }.sorted().map { baseText + "." + $0 }
        }
        let names = Set(variables.keys).union(Builtins.table.keys)
        return names.filter { $0.hasPrefix(tail) }.sorted()
    }

    /// What `value.` offers: attributes and methods, for completion, help and the fuzzer.
    public func memberNames(_ v: Value) -> [String] {
        switch v {
        case .tensor: return Interpreter.tensorTable.names + Array(Interpreter.tensorMethodBuiltins)
        case .module(let m): return Interpreter.moduleTable.names + m.ownParameters.map(\.name) + m.ownBuffers.map(\.name) + m.children.map(\.name)
        case .optimizer: return Interpreter.optimizerTable.names
        case .dataset: return ImageDataset.table.names
        case .object(let o): return o.attributeNames
        default: return []
        }
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}
