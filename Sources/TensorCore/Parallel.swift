import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Threads the engine's own kernels may use: one per online core unless `setEngineThreads` says otherwise.
@usableFromInline
nonisolated(unsafe) var engineThreads = Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

/// Sets how many threads the engine uses. BLAS itself stays single-threaded: the engine splits each
/// large product across its own threads (see `BLAS.parallelSgemm`).
public func setEngineThreads(_ n: Int) {
    engineThreads = Swift.max(1, n)
}

/// Runs `body` over `0..<count` split into contiguous chunks on up to `engineThreads` threads, when
/// there is enough work (`work`, in elements touched) to pay for handing a part to a worker: 8,192
/// per thread. (With Dispatch's threads it took 32,768; the spinning `WorkerPool` answers in about a
/// microsecond, and splitting from 8,192 made DCGAN batch 16 11% faster, alternated runs, no change
/// at batch 64 or below 4,096.) Each chunk must write only its own part of any output.
@inlinable
public func parallelChunks(_ count: Int, work: Int? = nil, _ body: (Range<Int>) -> Void) {
    let threads = Swift.min(engineThreads, count, (work ?? count) / (1 << 13))
    if threads <= 1 {
        body(0..<count)
        return
    }
    let part = { (t: Int) in body(count * t / threads..<count * (t + 1) / threads) }
    // The engine's spinning workers first; when another caller has them, Dispatch's threads.
    if runOnEngineWorkers(parts: threads, part) { return }
    withoutActuallyEscaping(part) { part in
        let box = UncheckedSendable(part)
        DispatchQueue.concurrentPerform(iterations: threads) { t in box.value(t) }
    }
}

/// Lets a value cross into `concurrentPerform`; the caller guarantees the threads touch disjoint data.
@usableFromInline
struct UncheckedSendable<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}

/// `WorkerPool.shared.run`, reachable from the inlinable `parallelChunks`.
@usableFromInline
func runOnEngineWorkers(parts: Int, _ body: (Int) -> Void) -> Bool {
    WorkerPool.shared.run(parts: parts, body)
}

