// Parts of the C library that Swift's Glibc module leaves out: mallopt (allocator tuning).
#include <malloc.h>
