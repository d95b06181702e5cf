// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pkg-config name `openblas`).
// sgemm/sgemv carry every matmul and convolution; openblas_* lets us set threads and report the kernel.
#include <cblas.h>
#include <dlfcn.h>

// An OpenBLAS symbol by name, searched in the program's global scope (where the executable's own link
// to OpenBLAS puts it), or NULL.
static inline void *ganbook_openblas_symbol(const char *name) {
    void *self = dlopen(NULL, RTLD_LAZY);  // the program itself: never unloaded, so no dlclose is owed
    return self ? dlsym(self, name) : NULL;
}

// OpenBLAS's pthread build (Debian's default) starts a pool of worker threads, one per core but the
// caller's, while the library loads, before main; each spins in sched_yield for about 2^28 cycles
// (0.1 s) before it sleeps: on two cores it took a third of the machine through start-up and the first
// training step. The engine runs every OpenBLAS call on the thread that makes it (BLAS.swift), so the
// pool is stopped. `blas_thread_shutdown_` is what OpenBLAS itself calls before a fork; it is looked up
// by name rather than linked because a serial build has no such function (an OpenMP build has one that
// frees buffers only). Returns 1 when the function was found and called.
static inline int ganbook_openblas_stop_workers(void) {
    int (*stop)(void) = (int (*)(void))ganbook_openblas_symbol("blas_thread_shutdown_");
    if (stop) stop();
    return stop != 0;
}

// 1 while OpenBLAS's worker pool runs, 0 once stopped, -1 where the build has no pool to look at.
static inline int ganbook_openblas_workers_running(void) {
    int *available = (int *)ganbook_openblas_symbol("blas_server_avail");
    return available ? (*available != 0) : -1;
}
