import CSystem
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The engine's own worker threads, which `parallelChunks` hands its parts to.
///
/// Why not `DispatchQueue.concurrentPerform`: measured here (2 cores), splitting 20 µs of work in two
/// took 59 µs through it — waking a parked worker costs more than the work saved — and a training step
/// makes hundreds of such splits (every product, every element-wise kernel). These workers instead
/// *spin* for a short while after each part, watching for the next one, so a split costs about 1 µs
/// (the same 20 µs of work in two: 20 µs). A worker that sees nothing for `spinLimit` sleeps on a
/// semaphore, so an idle notebook burns no CPU.
///
/// One caller at a time: a second thread arriving while parts are in flight (a test running beside
/// another, or a part that itself splits) is told no, and splits through Dispatch as before.
final class WorkerPool: @unchecked Sendable {
    /// One worker's mailbox. `requested` is the number of the job it should run next; it writes that
    /// number into `finished` when its part is done. `sleeping` and `wake` park it when idle.
    final class Slot: @unchecked Sendable {
        let requested = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    /// How long an idle worker keeps looking for the next part before it sleeps. Gaps between the
    /// splits of a training step are well under this; an idle notebook's workers are asleep within it.
    static let spinLimitNanoseconds: UInt64 = 500_000

    let slots: [Slot]
    private let busy = Atomic<Bool>(false)
    /// The current job: written before a job's number is published, read by the workers after.
    private nonisolated(unsafe) var job: UncheckedSendable<(Int) -> Void>?
    private nonisolated(unsafe) var generation = 0

    /// The pool every `parallelChunks` call shares: one worker per core beyond the calling thread.
    static let shared = WorkerPool(workers: Swift.max(0, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) - 1))

    init(workers: Int) {
        slots = (0..<workers).map { _ in Slot() }
        for index in 0..<workers { startThread(index) }
    }

    private func startThread(_ index: Int) {
        let context = Unmanaged.passRetained(ThreadStart(pool: self, index: index)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { raw in
            let start = Unmanaged<ThreadStart>.fromOpaque(raw!).takeRetainedValue()
            start.pool.workerLoop(start.index)
        }, context)
        precondition(started == 0, "could not start an engine thread (pthread_create: \(started))")
        pthread_detach(thread)
    }

    private final class ThreadStart {
        let pool: WorkerPool, index: Int
        init(pool: WorkerPool, index: Int) { (self.pool, self.index) = (pool, index) }
    }

    /// Runs `body(0)` … `body(parts − 1)` at once, part 0 on the calling thread and part i on worker i − 1,
    /// and returns when all are done. Returns false without running anything when the pool is in use by
    /// another caller or has too few workers; the caller then splits some other way.
    func run(parts: Int, _ body: (Int) -> Void) -> Bool {
        guard parts - 1 <= slots.count, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            job = UncheckedSendable(body)
            generation += 1
            let number = generation
            for slot in slots.prefix(parts - 1) {
                slot.requested.store(number, ordering: .sequentiallyConsistent)
                // A worker that went to sleep is woken; the exchange makes sure exactly one side
                // (this one, or the worker seeing the new number itself) takes its sleeping flag.
                if slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) { slot.wake.signal() }
            }
            body(0)
            for slot in slots.prefix(parts - 1) {
                // A worker that is slow to finish has usually lost its core (tests running side by side):
                // after a while, give the core away between looks instead of spinning on it.
                var looks = 0
                while slot.finished.load(ordering: .acquiring) != number {
                    looks += 1
                    if looks < 4096 { spinPause() } else { sched_yield() }
                }
            }
            job = nil  // every worker has let go of it: the closure has not escaped
        }
        return true
    }

    private func workerLoop(_ index: Int) -> Never {
        let slot = slots[index]
        var seen = 0
        while true {
            var spins = 0
            var since = DispatchTime.now().uptimeNanoseconds
            while slot.requested.load(ordering: .acquiring) == seen {
                spinPause()
                spins += 1
                guard spins & 255 == 0 else { continue }
                // Every few microseconds, let another thread of this core run: when the scheduler has put
                // the caller on this same core (it happens at start-up), spinning would halve its speed
                // until the load balancer moves one of them (measured: 40–70 ms lost in a 2-step run).
                sched_yield()
                guard DispatchTime.now().uptimeNanoseconds - since > Self.spinLimitNanoseconds else { continue }
                slot.sleeping.store(true, ordering: .sequentiallyConsistent)
                if slot.requested.load(ordering: .sequentiallyConsistent) == seen {
                    slot.wake.wait()  // the caller took the flag and signals
                } else if !slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                    slot.wake.wait()  // the caller took the flag too: its signal is on its way, take it
                }
                since = DispatchTime.now().uptimeNanoseconds
            }
            seen = slot.requested.load(ordering: .acquiring)
            runPart(index + 1)
            slot.finished.store(seen, ordering: .releasing)
        }
    }

    /// Kept out of line so that the worker's hold on the closure ends before it reports the part done.
    @inline(never)
    private func runPart(_ part: Int) {
        job!.value(part)
    }
}

/// A hint to the core that this thread is spinning (x86 `pause`; elsewhere nothing).
@inline(__always)
func spinPause() { ganbook_spin_pause() }
