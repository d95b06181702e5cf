// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pkg-config name `openblas`).
// sgemm/sgemv carry every matmul and convolution; openblas_* lets us set threads and report the kernel.
#include <cblas.h>
