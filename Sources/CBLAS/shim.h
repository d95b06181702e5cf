// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pkg-config name `openblas`).
// sgemm/sgemv carry every matmul and convolution; openblas_* lets us set threads and report the kernel.
#include <cblas.h>
#include <dlfcn.h>

// OpenBLAS's pthread build (Debian's default) starts a worker thread per core while the library
// loads, before main, and each one spins in sched_yield for about 2^28 cycles (0.1 s) before it
// sleeps: on two cores it takes a third of the machine through start-up and the first training step.
// The engine calls OpenBLAS on one thread only (BLAS.swift), so those workers are stopped.
// `blas_thread_shutdown_` is what OpenBLAS itself calls before a fork; the serial and OpenMP builds
// have no such pool, so it is looked up by name rather than linked. Returns 1 when a pool was asked to stop.
static inline int ganbook_openblas_stop_workers(void) {
    void *self = dlopen(NULL, RTLD_LAZY);
    if (!self) return 0;
    int (*stop)(void) = (int (*)(void))dlsym(self, "blas_thread_shutdown_");
    if (stop) stop();
    dlclose(self);
    return stop != 0;
}

// 1 while OpenBLAS's worker threads run, 0 once stopped, -1 where the build has no such pool.
static inline int ganbook_openblas_workers_running(void) {
    void *self = dlopen(NULL, RTLD_LAZY);
    if (!self) return -1;
    int *available = (int *)dlsym(self, "blas_server_avail");
    int result = available ? (*available != 0) : -1;
    dlclose(self);
    return result;
}
