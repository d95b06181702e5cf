import CellLanguage

/// One member of a value as cells see it, `value.name`: a property read on the spot, or a method
/// bound to its receiver. Its help is the entry `help(value.name)` and completion show.
struct Member<Receiver>: @unchecked Sendable {
    enum Body {
        case property((Receiver) -> Value)
        case method((Receiver, Arguments, Interpreter) throws(CellError) -> Value)
    }

    let name: String
    let help: HelpEntry
    let body: Body

    static func property(
        _ name: String, _ signature: String, _ summary: String, example: String, topic: String,
        _ read: @escaping (Receiver) -> Value
    ) -> Member {
        Member(name: name, help: HelpEntry(signature, summary, example: example, topic: topic), body: .property(read))
    }

    static func method(
        _ name: String, _ signature: String, _ summary: String, example: String, topic: String,
        _ call: @escaping (Receiver, Arguments, Interpreter) throws(CellError) -> Value
    ) -> Member {
        Member(name: name, help: HelpEntry(signature, summary, example: example, topic: topic), body: .method(call))
    }
}

/// The members of one kind of value, by name — the one pattern for tensors, modules, optimizers,
/// datasets, GANs and coin games. The same table answers `value.name`, `help(value.name)`, the list
/// of members in `help(value)` and tab completion, so they cannot disagree. (Sendable: built once,
/// never changed; its closures capture nothing.)
struct MemberTable<Receiver>: @unchecked Sendable {
    let members: [String: Member<Receiver>]

    init(_ list: [Member<Receiver>]) {
        var members: [String: Member<Receiver>] = [:]
        for m in list {
            precondition(members[m.name] == nil, "member \(m.name) defined twice")
            members[m.name] = m
        }
        self.members = members
    }

    /// Every member's name, sorted.
    var names: [String] { members.keys.sorted() }

    func help(_ name: String) -> HelpEntry? { members[name]?.help }

    /// `receiver.name`: a property's value, or the method bound to `receiver`; nil if there is no such member.
    func value(_ name: String, of receiver: Receiver) -> Value? {
        guard let member = members[name] else { return nil }
        switch member.body {
        case .property(let read):
            return read(receiver)
        case .method(let call):
            return .function(
                Function(name: name, help: member.help, isBoundMethod: true) { args, interp throws(CellError) in
                    try call(receiver, args, interp)
                })
        }
    }
}
