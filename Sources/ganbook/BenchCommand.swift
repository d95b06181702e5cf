import ArgumentParser
import Autograd
import Datasets
import Foundation
import GANLab
import NN
import TensorCore

/// `ganbook bench`: trains the reference GAN and reports its speed, start-up time and memory.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure training speed of the reference GAN (steps/s, images/s, time to first step, peak memory).",
        discussion: """
            Run in a release build with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (`make bench` does both):
            set, they force OpenBLAS's slower AVX2 kernels on these machines.
            """)

    @ParentCommand var root: Ganbook

    @Option(help: "dcgan or mlp.") var arch: String = "dcgan"
    @Option(help: "Images per step.") var batch: Int = 64
    @Option(help: "Timed steps (after the warm-up).") var steps: Int = 50
    @Option(help: "Untimed warm-up steps.") var warmup: Int = 5
    @Option(help: "Threads for BLAS and the engine's own kernels.") var threads: Int = 2
    @Flag(help: "Train on random images instead of MNIST.") var randomData = false
    @Flag(help: "Print one JSON line.") var json = false
    @Flag(help: "Also print where the time goes, kernel by kernel (forward by layer, backward by op).") var profile = false
    @Flag(help: "Instead of training, time sgemm on the DCGAN's matrix shapes.") var gemmShapes = false

    func validate() throws {
        guard GANArchitecture(rawValue: arch) != nil else { throw ValidationError("--arch must be dcgan or mlp") }
        guard batch > 0, steps > 0, warmup >= 0, threads > 0 else { throw ValidationError("sizes must be positive") }
    }

    func run() throws {
        retainFreedMemory()
        setEngineThreads(threads)
        if gemmShapes { return timeGEMMShapes(batch: batch) }
        var g = SeededGenerator(seed: 0)
        // Kept as bytes, as the PyTorch reference does; each batch is converted to [−1, 1] floats.
        let images: LabeledImages
        var source = "random"
        if !randomData, let data = try? DataDirectory(root: root.paths.data).load(.mnist, .train) {
            images = data
            source = "MNIST train (\(data.count))"
        } else {
            let n = max(batch * 4, 256)
            images = LabeledImages(
                name: "random", rows: 28, cols: 28, pixels: (0..<n * 784).map { _ in UInt8(g.next() % 256) },
                labels: [UInt8](repeating: 0, count: n))
        }
        var sampler = BatchSampler(count: images.count, batchSize: batch, seed: 1)
        let gan = GANPair(GANArchitecture(rawValue: arch)!, using: &g)

        func oneStep() {
            let real = images.imageBatch(sampler.next())
            let z = Tensor.randn([batch, gan.latent], using: &g)
            gan.step(real: real, z: z)
        }

        oneStep()
        let firstStep = processAge()
        for _ in 1..<max(warmup, 1) { oneStep() }
        Profiler.isEnabled = profile
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps { oneStep() }
        Profiler.isEnabled = false
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stepsPerSecond = Double(steps) / seconds
        let rss = peakRSSMegabytes()

        // OpenBLAS's own pick, when ganbook replaced a generic fallback (BLASKernelChoice).
        let kernelNote = ProcessInfo.processInfo.environment[BLASKernelChoice.fallbackVariable].map {
            " (OpenBLAS chose \($0) for this CPU; ganbook asked for \(BLAS.coreName))"
        } ?? ""
        if json {
            print(
                #"{"arch":"\#(arch)","batch":\#(batch),"threads":\#(threads),"steps_per_s":\#(round3(stepsPerSecond)),"images_per_s":\#(round3(stepsPerSecond * Double(batch))),"first_step_s":\#(round3(firstStep)),"peak_rss_mb":\#(round3(rss)),"blas_core":"\#(BLAS.coreName)"}"#
            )
        } else {
            print(
                """
                \(arch) batch \(batch), \(threads) thread(s), data: \(source), OpenBLAS core: \(BLAS.coreName)\(kernelNote)
                  \(String(format: "%.1f", stepsPerSecond)) steps/s   \(String(format: "%.0f", stepsPerSecond * Double(batch))) images/s   \
                first step finished \(String(format: "%.3f", firstStep)) s after launch   peak RSS \(String(format: "%.0f", rss)) MB
                """)
        }
        if profile {
            for (name, ms, calls) in Profiler.report(steps: steps) {
                print("  " + name.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%7.2f ms/step  %3d calls/step", ms, calls))
            }
            print(
                "  (the kernels inside a convolution's chunks — sgemm and im2col/col2im \"in chunks\", polyphase, rows ↔ images —\n"
                    + "   run on every thread at once: their times are thread time, summed over the threads)")
        }
    }
}

func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

/// Seconds since the kernel created this process (from /proc, so dynamic loading counts too).
func processAge() -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
        let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return .nan }
    let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
    guard fields.count > 19, let ticks = Double(fields[19]), let up = Double(uptime.split(separator: " ")[0]) else { return .nan }
    return up - ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The largest resident set this process has had, in MB.
func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// sgemm GFLOP/s on the products one DCGAN step performs (conv2-sized ones are 9 of its 10 GFLOP at
/// batch 64). Convolutions run one product per chunk of a few images on each thread (see `Conv`), so
/// each shape is timed single-threaded at a chunk's size, next to the whole batch's.
func timeGEMMShapes(batch n: Int) {
    var g = SeededGenerator(seed: 0)
    let chunk = 3 * 49  // columns of a D.conv2 chunk: 3 images of 7×7 positions
    let shapes: [(String, Int, Int, Int, Bool, Bool)] = [
        ("D.conv2 forward  W·cols, chunk", 128, 1024, chunk, false, false),
        ("D.conv2 dW       g·colsᵀ, chunk", 128, chunk, 1024, false, true),
        ("D.conv2 dx       Wᵀ·g, chunk", 1024, 128, chunk, true, false),
        ("D.conv2 forward  W·cols, batch", 128, 1024, n * 49, false, false),
        ("D.conv1 forward  W·cols, batch", 64, 16, n * 196, false, false),
    ]
    for (label, m, k, nn, ta, tb) in shapes {
        let a = Tensor.rand(ta ? [k, m] : [m, k], using: &g), b = Tensor.rand(tb ? [nn, k] : [k, nn], using: &g)
        var c = Tensor.zeros([m, nn])
        func product() {
            a.withUnsafeBufferPointer { ab in
                b.withUnsafeBufferPointer { bb in
                    c.withUnsafeMutableBufferPointer { cb in
                        BLAS.sgemm(
                            transposeA: ta, transposeB: tb, m: m, n: nn, k: k, a: ab.baseAddress!, lda: ta ? m : k,
                            b: bb.baseAddress!, ldb: tb ? k : nn, c: cb.baseAddress!, ldc: nn)
                    }
                }
            }
        }
        for _ in 0..<3 { product() }
        let repeats = max(20, 20 * n * 49 / nn)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repeats { product() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(repeats)
        print("\(label)  M=\(m) K=\(k) N=\(nn), one thread  \(String(format: "%6.1f", 2 * Double(m * k * nn) / seconds / 1e9)) GFLOP/s  \(String(format: "%.3f", seconds * 1e3)) ms")
    }
    // The unfolding kernels around conv2's products, whole batch on one thread, in GB/s of columns.
    let geometry = ConvGeometry(n: n, c: 64, h: 14, w: 14, kh: 4, kw: 4, stride: 2, padding: 1)
    let x = Tensor.randn([n, 64, 14, 14], using: &g)
    let cols = Tensor.im2col(x, geometry)
    for (label, body) in [("im2col  D.conv2", { _ = Tensor.im2col(x, geometry) }), ("col2im  D.conv2", { _ = Tensor.col2im(cols, geometry) })] {
        body()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<20 { body() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / 20
        print("\(label)  [\(geometry.patchSize), \(geometry.positions)]  \(String(format: "%.2f", seconds * 1e3)) ms  \(String(format: "%.1f", Double(cols.count * 4) / seconds / 1e9)) GB/s")
    }
}
