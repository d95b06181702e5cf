import Dispatch

/// Splits `0..<count` into `chunks` contiguous ranges run on separate threads, when the work is big
/// enough to pay for it (im2col, col2im and pooling on batch-sized tensors).
@inlinable
func parallelRanges(_ count: Int, minimumPerChunk: Int = 1, work: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let threads = work >= 1 << 16 ? Swift.min(engineThreads, count / Swift.max(minimumPerChunk, 1)) : 1
    if threads <= 1 {
        body(0..<count)
        return
    }
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        let start = count * t / threads, end = count * (t + 1) / threads
        body(start..<end)
    }
}

/// Cores the element-wise kernels may use: the same as BLAS, capped at 2 on these machines.
@usableFromInline
nonisolated(unsafe) var engineThreads = 2

/// Sets how many threads the engine's own kernels (and BLAS) use.
public func setEngineThreads(_ n: Int) {
    engineThreads = Swift.max(1, n)
    BLAS.setThreads(Swift.max(1, n))
}
