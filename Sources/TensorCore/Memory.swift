import CSystem

/// Asks glibc's allocator to keep freed memory for reuse instead of handing large blocks back to
/// the kernel. Training frees and reallocates the same large tensors every step; returned pages come
/// back as page faults — measured at 360,000 faults and ≈ 1 s of system time per 200 DCGAN steps at
/// batch 16 without this, 12,600 faults and 0.14 s with it (`perf stat -e page-faults`).
/// Call once at start-up; the peak resident size does not grow, freed blocks are just reused.
public func retainFreedMemory() {
    _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)  // the largest glibc accepts
    _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
}
