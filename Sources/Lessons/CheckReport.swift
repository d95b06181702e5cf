import CellLanguage
import Notebook

extension Session {
    /// Why a check does not hold, in one line: each of its `and` clauses that is not true, with the
    /// values of both sides of a comparison.
    ///
    ///     spread_fake < 0.5 * spread_real  [spread_fake = 0.051, 0.5 * spread_real = 0.044]
    public func explainFailedCheck(_ expression: String) -> String {
        guard let tree = try? Parser.parseExpression(expression) else { return expression + "  [does not parse]" }
        let characters = Array(expression)
        func source(_ e: Expr) -> String {
            let r = e.range
            guard r.start >= 0, r.end <= characters.count, r.start < r.end else { return "?" }
            return String(characters[r.start..<r.end]).trimmed
        }
        func shown(_ e: Expr) -> String {
            switch evaluate(source(e)) {
            case .success(let v): return interpreter.format(v).joined(separator: " ")
            case .failure(let error): return "error: \(error.message)"
            }
        }
        func clauses(_ e: Expr) -> [Expr] {
            if case .binary("and", let l, let r, _) = e { return clauses(l) + clauses(r) }
            return [e]
        }
        var failing: [String] = []
        for clause in clauses(tree) {
            let text = source(clause)
            if checkPasses(text) { continue }
            if case .binary(let op, let l, let r, _) = clause, ["<", "<=", ">", ">=", "==", "!="].contains(op) {
                var values: [String] = []
                for side in [l, r] {
                    if case .number = side { continue }
                    values.append("\(source(side)) = \(shown(side))")
                }
                failing.append(text + (values.isEmpty ? "" : "  [" + values.joined(separator: ", ") + "]"))
            } else {
                failing.append("\(text)  [= \(shown(clause))]")
            }
        }
        return failing.isEmpty ? expression : failing.joined(separator: "; ")
    }
}
