/// glibc's `int mallopt(int param, int value)` (declared in <malloc.h>, which Swift's Glibc module leaves out).
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32

/// Tells glibc's allocator to keep freed memory for reuse instead of returning big blocks to the
/// kernel: training allocates the same large tensors every step, and fresh pages cost page faults
/// (≈14% of a PyTorch step here, see shared/bench/README.md).
func keepFreedMemory() {
    let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1   // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
    _ = mallopt(mmapThreshold, 64 << 20)
    _ = mallopt(trimThreshold, Int32.max)
}
