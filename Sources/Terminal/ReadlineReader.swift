@preconcurrency import CReadline
import Foundation
import Notebook
import Synchronization
import TensorCore

/// GNU readline at a terminal: line editing, persistent history, tab completion, and Ctrl-C that
/// clears the half-typed line. The only file that imports CReadline.
public struct ReadlineReader: LineReader {
    private let historyPath: String?

    /// - Parameters:
    ///   - historyPath: where history persists between sessions (nil: none).
    ///   - complete: candidates for the text typed so far (names, `x.attr`, `:commands`).
    public init(historyPath: String?, complete: @escaping (String) -> [String]) {
        self.historyPath = historyPath
        completionSource = complete
        using_history()
        stifle_history(1000)
        if let historyPath { read_history(historyPath) }
        // '.' is not a word break, so "x.sh<TAB>" completes "x.shape" as one word.
        rl_completer_word_break_characters = UnsafePointer(strdup("\t\n \"\\'`@$><=;|&{(,[+-*/%"))
        rl_attempted_completion_function = completeWord
        rl_signal_event_hook = clearLineOnInterrupt
        // Ctrl-D leaves from any prompt, also when a lesson cell is pre-typed there (see deleteOrLeave).
        rl_bind_key(4, deleteOrLeave)
    }

    public mutating func readLine(prompt: String) -> String? {
        readLine(prompt: prompt, prefill: "")
    }

    /// Reads a line with `prefill` already typed at the prompt (a lesson's next cell): Enter runs it as is.
    public mutating func readLine(prompt: String, prefill: String) -> String? {
        pendingPrefill = prefill
        rl_startup_hook = prefill.isEmpty ? nil : insertPrefill
        defer { rl_startup_hook = nil }
        leaveRequested = false
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        if leaveRequested { return nil }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(raw)
            if let historyPath {
                write_history(historyPath)
                history_truncate_file(historyPath, 1000)
            }
        }
        return line
    }

    /// True when standard input is a terminal (the only time readline is used).
    public static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
}

// readline takes plain C callbacks; their state lives in these globals (one prompt per process).
nonisolated(unsafe) private var completionSource: ((String) -> [String])?
nonisolated(unsafe) private var completionCandidates: [String] = []
nonisolated(unsafe) private var pendingPrefill = ""

/// Ctrl-D with nothing under the cursor (the end of a pre-typed cell, or of anything typed) leaves,
/// as it does on an empty line; with characters after the cursor it deletes one, as readline does.
/// readline itself sees end-of-file only on an empty line, so a pre-typed cell would trap the learner.
private func deleteOrLeave(_ count: Int32, _ key: Int32) -> Int32 {
    guard rl_point >= rl_end else { return rl_delete(count, key) }
    leaveRequested = true
    rl_crlf()  // the pre-typed line stays on screen; "bye" goes below it
    rl_done = 1
    return 0
}
nonisolated(unsafe) private var leaveRequested = false

private func insertPrefill() -> Int32 {
    rl_insert_text(pendingPrefill)
    return 0
}

private func completeWord(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1  // no file-name fallback outside quotes
    let line = String(cString: rl_line_buffer)
    let upToCursor = String(line.utf8.prefix(Int(end))) ?? line
    // Inside an open string: complete file names (for save_png("…"), load_gan("…")).
    if upToCursor.filter({ $0 == "\"" || $0 == "'" }).count % 2 == 1 {
        rl_attempted_completion_over = 0
        return nil
    }
    completionCandidates = completionSource?(upToCursor) ?? []
    return rl_completion_matches(text, nextCandidate)
}

private func nextCandidate(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 { candidateIndex = 0 }
    guard candidateIndex < completionCandidates.count else { return nil }
    defer { candidateIndex += 1 }
    return strdup(completionCandidates[candidateIndex])
}
nonisolated(unsafe) private var candidateIndex = 0

/// Ctrl-C at the prompt: drop the half-typed line and show a clean prompt (readline calls this hook
/// when a signal arrives while it reads; our SIGINT handler has set the flag, which a prompt ignores).
/// A closed window (SIGHUP) or a `kill` (SIGTERM) at the prompt leaves as Ctrl-D does, so the workspace
/// is saved; without this, readline would take the end of the dead terminal as Enter on a pre-typed cell.
private func clearLineOnInterrupt() -> Int32 {
    if hangupReceived.load(ordering: .relaxed) {
        leaveRequested = true
        rl_done = 1
        return 0
    }
    if interruptRequested.exchange(false, ordering: .relaxed) {
        rl_crlf()
        rl_on_new_line()
        rl_replace_line("", 0)
        rl_redisplay()
    }
    return 0
}

/// Set by SIGHUP (the terminal window closed) or SIGTERM: the REPL stops the running cell at a clean
/// point, as Ctrl-C would, then saves the workspace and leaves.
public let hangupReceived = Atomic<Bool>(false)

/// Installs the SIGINT handler: it only sets the flag; long work polls it and stops at a clean point.
/// SIGHUP and SIGTERM set it too, and `hangupReceived`. All three are also unblocked: a process started
/// by another program (a test runner, an IDE) can inherit them blocked.
public func installInterruptHandler() {
    signal(SIGINT) { _ in
        interruptRequested.store(true, ordering: .relaxed)
        interruptsReceived.add(1, ordering: .relaxed)
    }
    for leaving in [SIGHUP, SIGTERM] {
        signal(leaving) { _ in
            hangupReceived.store(true, ordering: .relaxed)
            interruptRequested.store(true, ordering: .relaxed)
        }
    }
    var set = sigset_t()
    sigemptyset(&set)
    for signal in [SIGINT, SIGHUP, SIGTERM] { sigaddset(&set, signal) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
