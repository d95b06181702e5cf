import Datasets
import Foundation
import Notebook
import TensorCore

/// Lines built from the language itself rather than from its text: every builtin and every member of
/// the live values called with arguments a learner might type by mistake — wrong types, edge numbers
/// (±1e300, ±2⁶³, nan, ±inf, −0, 1e-320) and sizes beyond the budget — and random expression trees.
/// A fuzzer that only mutates valid cells rarely reaches `sum(x, dim=1e300)`; this one aims there.
extension CellFuzzer {
    /// Numbers at the edges: each has crashed some conversion before (`Int(1e300)` traps).
    static let edgeNumbers = [
        "1e300", "-1e300", "1e400", "-1e400", "(1e400-1e400)", "-0.0", "1e-320", "2**63", "-2**63", "2**63-1", "2**53+1",
        "4.5", "-7", "1e9", "50000001", "2**31", "0",
    ]
    /// Ordinary numbers, so that calls also get past their type checks into the engine.
    static let plainNumbers = ["0", "1", "2", "3", "-1", "0.5", "28", "100"]
    /// Values of the wrong kind for most arguments.
    static let oddValues = [
        "None", "True", "'s'", "''", "[]", "[[]]", "[1, [2]]", "[1e300]", "[2, 3]", "tensor(5.)", "zeros(0)", "zeros(0, 3)",
        "randn(2, 3)", "randn(1, 1, 28, 28)", "x", "net", "opt", "print", "(1, 2)",
    ]
    /// Builtins the fuzzer never calls: they write files in the current folder.
    static let writers: Set<String> = ["save_model", "save_png", "save"]
    /// Members never called: `gan.save` writes a file.
    static let writerMembers: Set<String> = ["save"]

    /// One argument value: an edge number most often, then odd values and plain numbers.
    mutating func argument() -> String {
        switch generator.next() % 10 {
        case 0...3: return pick(CellFuzzer.edgeNumbers)
        case 4...6: return pick(CellFuzzer.plainNumbers)
        default: return pick(CellFuzzer.oddValues)
        }
    }

    /// `name(args…, key=value…)` for a random builtin, with keywords from its own signature (and now
    /// and then one it does not have).
    mutating func builtinCall() -> String {
        let name = pick(CellFuzzer.builtinNames)
        let parameters = CellFuzzer.parameterNames(Builtins.table[name]!.help.signature)
        return name + "(" + arguments(keywords: parameters) + ")"
    }

    /// `variable.member` or `variable.member(args…)` for a member of a value the session holds now.
    mutating func memberCall(session: Session) -> String? {
        let live = session.interpreter.variables.keys.filter { $0 != "_" }.sorted()
        guard !live.isEmpty else { return nil }
        let name = pick(live)
        let members = session.interpreter.memberNames(session.interpreter.variables[name]!).sorted().filter { !CellFuzzer.writerMembers.contains($0) }
        guard !members.isEmpty else { return nil }
        let member = pick(members)
        if generator.next() % 4 == 0 { return "\(name).\(member)" }
        return "\(name).\(member)(" + arguments(keywords: ["dim", "n", "steps", "seed", "keepdim", "lr", "every", "epochs", "explain"]) + ")"
    }

    /// A random expression tree of operators, calls, indexing and slices, up to `depth` levels.
    mutating func expression(depth: Int) -> String {
        guard depth > 0, generator.next() % 3 != 0 else { return argument() }
        switch generator.next() % 6 {
        case 0: return "(" + expression(depth: depth - 1) + " " + pick(["+", "-", "*", "/", "//", "%", "**", "@", "<", "==", "and", "or"]) + " " + expression(depth: depth - 1) + ")"
        case 1: return pick(["-", "not "]) + expression(depth: depth - 1)
        case 2: return expression(depth: depth - 1) + "[" + argument() + "]"
        case 3: return expression(depth: depth - 1) + "[" + argument() + ":" + argument() + ":" + argument() + "]"
        case 4: return "[" + expression(depth: depth - 1) + ", " + expression(depth: depth - 1) + "]"
        default: return pick(CellFuzzer.builtinNames) + "(" + expression(depth: depth - 1) + ")"
        }
    }

    /// Up to four positional arguments and two keywords.
    mutating func arguments(keywords: [String]) -> String {
        var parts = (0..<Int(generator.next() % 5)).map { _ in argument() }
        for _ in 0..<Int(generator.next() % 3) where !keywords.isEmpty {
            let key = generator.next() % 8 == 0 ? "bogus" : pick(keywords)
            if !parts.contains(where: { $0.hasPrefix(key + "=") }) { parts.append(key + "=" + argument()) }
        }
        return parts.joined(separator: ", ")
    }

    mutating func pick(_ items: [String]) -> String { items[Int(generator.next() % UInt64(items.count))] }

    /// Every builtin except the file writers, sorted so that a seed means the same lines in every process.
    /// Builtins left out because one plain call may train for minutes: `load_gan("s", or_train=100)`.
    static let trainers: Set<String> = ["load_gan"]
    static let builtinNames: [String] = Builtins.table.keys.filter { !writers.contains($0) && !trainers.contains($0) }.sorted()

    /// Parameter names from a signature such as `randn(*size, requires_grad=False)`.
    static func parameterNames(_ signature: String) -> [String] {
        guard let open = signature.firstIndex(of: "("), let close = signature.lastIndex(of: ")"), open < close else { return [] }
        return signature[signature.index(after: open)..<close].split(separator: ",").compactMap { part in
            let name = part.split(separator: "=").first.map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "*")) } ?? ""
            return name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? nil : name
        }
    }
}
