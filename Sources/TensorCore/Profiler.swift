import Dispatch
import Synchronization

/// Time spent in each kind of kernel, collected only when enabled (`ganbook bench --profile`).
/// Costs one branch per kernel call when off. Kernels measured inside a convolution's chunks run on
/// several threads at once: their totals are thread time, summed over the threads.
public enum Profiler {
    nonisolated(unsafe) public static var isEnabled = false
    static let totals = Mutex<[String: (nanoseconds: UInt64, calls: Int)]>([:])

    @inlinable
    public static func measure<R>(_ name: String, _ body: () -> R) -> R {
        guard isEnabled else { return body() }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        record(name, DispatchTime.now().uptimeNanoseconds - start)
        return result
    }

    @usableFromInline
    static func record(_ name: String, _ nanoseconds: UInt64) {
        totals.withLock { totals in
            let old = totals[name] ?? (0, 0)
            totals[name] = (old.nanoseconds + nanoseconds, old.calls + 1)
        }
    }

    public static func reset() { totals.withLock { $0 = [:] } }

    /// Per kernel, most expensive first: milliseconds and calls per step.
    public static func report(steps: Int) -> [(name: String, milliseconds: Double, calls: Int)] {
        totals.withLock { $0 }.sorted { $0.value.nanoseconds > $1.value.nanoseconds }.map { name, t in
            (name, Double(t.nanoseconds) / 1e6 / Double(max(steps, 1)), t.calls / max(steps, 1))
        }
    }
}
