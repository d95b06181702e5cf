// Parts of the C library that Swift's Glibc module leaves out: mallopt (allocator tuning), and the
// x86 `pause` hint a spinning thread gives its core (WorkerPool).
#include <malloc.h>

static inline void ganbook_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
