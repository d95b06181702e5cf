import Synchronization

/// Set by Ctrl-C (the SIGINT handler of the REPL and of `ganbook run`); long work polls it and stops
/// at a clean point. It lives at the bottom of the module stack so that the engine's own long loops
/// — a 7000×7000 product, a convolution over a large batch — can hear it between blocks, not only
/// the cell runtime between statements.
///
/// Protocol: the engine only *reads* the flag and leaves it set, so that the cell runtime, which
/// checks right after any operation that may have been cut short, sees it too and throws the
/// unfinished result away. Only the runtime clears it (`exchange(false)`).
public let interruptRequested = Atomic<Bool>(false)

/// How many times Ctrl-C has been pressed since the process started; never reset. A cell stops at the
/// first one and the session goes on, but `ganbook run`, which runs cells one after another, uses
/// this to end the whole run at the first Ctrl-C rather than going on with the next cell.
public let interruptsReceived = Atomic<Int>(0)

/// Whether Ctrl-C has been pressed and not yet handled.
@inlinable
public var isInterruptRequested: Bool { interruptRequested.load(ordering: .relaxed) }

/// Which engine work may be abandoned half-done at Ctrl-C. Only work whose result the caller throws
/// away when it is cut short — a product or a convolution a cell evaluates — never a backward pass or
/// a training step, whose gradients and weights must stay whole (those stop between steps instead).
public enum Interruption {
    /// True only inside `abandonable`; read by the engine's block loops on any thread.
    nonisolated(unsafe) public private(set) static var abandoningAllowed = false

    /// True when the running block loop should stop: Ctrl-C inside `abandonable` work.
    @inlinable
    public static var shouldStop: Bool { abandoningAllowed && isInterruptRequested }

    /// Runs `body`, letting the engine skip its remaining blocks at Ctrl-C. The caller must check
    /// `isInterruptRequested` afterwards and discard the result if it is set.
    public static func abandonable<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let outer = abandoningAllowed
        abandoningAllowed = true
        defer { abandoningAllowed = outer }
        return try body()
    }
}
