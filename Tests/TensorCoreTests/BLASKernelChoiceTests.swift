import Foundation
import Testing

@testable import TensorCore

/// A generic OpenBLAS fallback on a modern CPU is replaced; OpenBLAS's deliberate choices are not.
@Suite("OpenBLAS kernel choice")
struct BLASKernelChoiceTests {
    static let avx512: Set<String> = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl", "avx512_bf16"]
    static let avx2: Set<String> = ["sse4_2", "avx", "avx2", "fma"]

    @Test("Prescott on an AVX-512 CPU → SkylakeX; on an AVX2 CPU → Haswell; on an old CPU → as it is")
    func fallbackReplaced() {
        #expect(BLASKernelChoice.better(than: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
        #expect(BLASKernelChoice.better(than: "Prescott", cpuFlags: Self.avx2) == "Haswell")
        #expect(BLASKernelChoice.better(than: "Sandybridge", cpuFlags: Self.avx2) == "Haswell")
        #expect(BLASKernelChoice.better(than: "Prescott", cpuFlags: ["sse3", "avx"]) == nil)
        #expect(BLASKernelChoice.better(than: "Prescott", cpuFlags: []) == nil)
    }

    @Test("a family with AVX2 or AVX-512 that OpenBLAS chose stays")
    func deliberateChoiceStays() {
        for kernel in ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"] {
            #expect(BLASKernelChoice.better(than: kernel, cpuFlags: Self.avx512) == nil, "\(kernel)")
        }
    }

    @Test("the CPU's flags come from /proc/cpuinfo's first flags line")
    func readsFlags() throws {
        let file = NSTemporaryDirectory() + "cpuinfo-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Processor\nflags\t\t: fpu sse avx2 fma avx512f\n\nprocessor\t: 1\nflags\t\t: fpu\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(BLASKernelChoice.cpuFlags(cpuinfo: file) == ["fpu", "sse", "avx2", "fma", "avx512f"])
        #expect(BLASKernelChoice.cpuFlags(cpuinfo: file + "-missing").isEmpty)
    }
}

@Suite("OpenBLAS threads")
struct BLASThreadTests {
    @Test("OpenBLAS runs on the calling thread: its spinning worker threads are stopped, products still right")
    func workersStopped() {
        BLAS.runOnCallingThreadOnly()
        #expect(BLAS.threads == 1)
        // Debian's default OpenBLAS has the pthread pool; there its state must be readable and stopped.
        if BLAS.hasPthreadPool { #expect(BLAS.workerThreadsRunning == false) }
        // 128³ is past OpenBLAS's threading threshold (m·n·k > 262,144): the path that would use the pool.
        let n = 128
        var g = SeededGenerator(seed: 3)
        let a = (0..<n * n).map { _ in g.nextUniform() - 0.5 }, b = (0..<n * n).map { _ in g.nextUniform() - 0.5 }
        var c = [Float](repeating: 0, count: n * n), expected = c
        BLAS.sgemm(transposeA: false, transposeB: true, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: &c, ldc: n)
        BLAS.referenceSgemm(
            transposeA: false, transposeB: true, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0,
            c: &expected, ldc: n)
        #expect(zip(c, expected).allSatisfy { abs($0 - $1) <= 1e-4 })
        if BLAS.hasPthreadPool { #expect(BLAS.workerThreadsRunning == false) }
    }
}
