import Foundation

/// Which OpenBLAS kernel family should run on this CPU, when OpenBLAS's own choice fell back to a
/// generic one.
///
/// OpenBLAS (Debian's build carries every kernel) picks its kernels from the CPU's family and model
/// numbers when the library loads. A CPU it does not know by model — measured here: an AVX-512 Xeon
/// reporting only "Intel(R) Xeon(R) Processor" — gets "Prescott", the SSE3 kernels: a DCGAN step ran
/// 1.5 steps/s instead of 5.7 with the AVX-512 ones ("SkylakeX"), the same machine, the same minute.
/// The choice is made before `main` runs, so the executable asks for a better family by starting
/// itself again with `OPENBLAS_CORETYPE` set (`BLASKernelChoice.restartIfNeeded`). An
/// `OPENBLAS_CORETYPE` the user (or CI) set is always left as it is.
public enum BLASKernelChoice {
    /// Kernel families OpenBLAS uses for CPUs with AVX-512 (F, DQ, BW, VL).
    static let avx512Kernels: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]
    /// Kernel families with AVX2 and FMA.
    static let avx2Kernels: Set<String> = ["haswell", "zen"]

    /// The family to ask for, or nil when OpenBLAS's choice stands: only a generic fallback (a family
    /// without AVX2) on a CPU that has AVX2 + FMA (→ "Haswell") or AVX-512 (→ "SkylakeX") is replaced.
    /// A family OpenBLAS chose on purpose (Haswell kernels on a Zen CPU with AVX-512, say) stays.
    ///
    /// - Parameters:
    ///   - current: `openblas_get_corename()` ("Prescott", "Haswell", …).
    ///   - cpuFlags: the CPU's feature flags as Linux names them in /proc/cpuinfo ("avx2", "avx512f", …),
    ///     evaluated only when the kernel is a fallback: on a CPU OpenBLAS knows, start-up reads no file.
    public static func better(than current: String, cpuFlags readFlags: @autoclosure () -> Set<String>) -> String? {
        let kernel = current.lowercased()
        guard !avx512Kernels.contains(kernel), !avx2Kernels.contains(kernel) else { return nil }
        let cpuFlags = readFlags()
        if cpuFlags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The flags of the first processor in /proc/cpuinfo (empty where there is none).
    public static func cpuFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// Set in the restarted process: the family OpenBLAS had picked by itself (for `ganbook bench`).
    public static let fallbackVariable = "GANBOOK_OPENBLAS_FALLBACK"

    /// Starts this program again with `OPENBLAS_CORETYPE` set when OpenBLAS fell back to a generic
    /// kernel family on a CPU with AVX2 or AVX-512; returns (and changes nothing) otherwise, or when
    /// the restart fails. Call it first thing in `main`, before any thread or file is opened.
    public static func restartIfNeeded() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil else { return }
        let current = BLAS.coreName
        guard let kernel = better(than: current, cpuFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", kernel, 1)
        setenv(fallbackVariable, current, 1)
        var arguments: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &arguments)
        // Still here: the restart failed. Go on with OpenBLAS's own choice.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(fallbackVariable)
    }
}
