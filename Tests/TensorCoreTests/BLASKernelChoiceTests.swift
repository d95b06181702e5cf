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
        // Debian's default OpenBLAS is the pthread build, which has the pool; a serial build has none (nil).
        #expect(BLAS.workerThreadsRunning != true)
        let a: [Float] = [1, 2, 3, 4, 5, 6]  // 2×3
        let b: [Float] = [1, 0, 0, 1, 1, 1]  // 3×2
        var c = [Float](repeating: 0, count: 4)
        BLAS.sgemm(transposeA: false, transposeB: false, m: 2, n: 2, k: 3, a: a, lda: 3, b: b, ldb: 2, c: &c, ldc: 2)
        #expect(c == [4, 5, 10, 11])
        #expect(BLAS.workerThreadsRunning != true)
    }
}
