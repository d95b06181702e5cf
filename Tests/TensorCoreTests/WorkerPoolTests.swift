import Dispatch
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@testable import TensorCore

@Suite("the engine's worker threads")
struct WorkerPoolTests {
    /// Sums 0..<n through `parallelChunks`, each part writing only its own slot.
    func partSum(_ n: Int, parts: Int) -> Int {
        var sums = [Int](repeating: 0, count: parts)
        sums.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            parallelChunks(parts, work: Int.max) { range in
                for p in range {
                    let lo = n * p / parts, hi = n * (p + 1) / parts
                    base[p] = (lo..<hi).reduce(0, +)
                }
            }
        }
        return sums.reduce(0, +)
    }

    @Test("every part runs exactly once, on the caller and the workers")
    func everyPartOnce() {
        let pool = WorkerPool(workers: 3)
        for parts in 1...4 {
            let counts = Mutex([Int](repeating: 0, count: parts))
            #expect(pool.run(parts: parts) { p in counts.withLock { $0[p] += 1 } })
            #expect(counts.withLock { $0 } == [Int](repeating: 1, count: parts))
        }
        // More parts than workers + 1: refused, nothing run.
        let ran = Mutex(0)
        #expect(!pool.run(parts: 5) { _ in ran.withLock { $0 += 1 } })
        #expect(ran.withLock { $0 } == 0)
    }

    @Test("workers that fell asleep wake for the next job")
    func wakesAfterSleeping() {
        let pool = WorkerPool(workers: 1)
        for round in 0..<3 {
            usleep(UInt32(WorkerPool.spinLimitNanoseconds / 1000) * 4)  // long enough for the worker to sleep
            let seen = Mutex(Set<Int>())
            #expect(pool.run(parts: 2) { p in seen.withLock { _ = $0.insert(p) } }, "round \(round)")
            #expect(seen.withLock { $0 } == [0, 1])
        }
    }

    @Test("a part that splits again, and callers on many threads at once, get every part")
    func nestedAndConcurrent() {
        let n = 100_000, expected = n * (n - 1) / 2
        // Nested: each outer part runs a whole parallel sum; the inner ones find the pool busy.
        let inner = Mutex([Int]())
        parallelChunks(2, work: Int.max) { range in
            for _ in range { let s = partSum(n, parts: 2); inner.withLock { $0.append(s) } }
        }
        #expect(inner.withLock { $0 } == [expected, expected])
        // Concurrent: eight threads splitting at once, many times over.
        let results = Mutex([Int]())
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 { let s = partSum(n, parts: 2); results.withLock { $0.append(s) } }
        }
        #expect(results.withLock { $0 }.count == 400)
        #expect(results.withLock { $0 }.allSatisfy { $0 == expected })
    }
}
