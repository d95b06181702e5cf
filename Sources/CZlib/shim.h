// The system zlib: gzip files (IDX datasets) and deflate (PNG export). Never a hand-written inflate.
#include <zlib.h>
