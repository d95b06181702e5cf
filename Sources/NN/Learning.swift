/// A switch that turns learning off for a whole process: every optimizer step leaves its parameters
/// as they are. `ganbook run --frozen` sets it, so that the lesson tests can prove each check that
/// claims learning fails when nothing learns (a check that passes anyway checks nothing).
public enum Learning {
    /// Set once at start-up, before any step runs.
    nonisolated(unsafe) public static var frozen = false
}
