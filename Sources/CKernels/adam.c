#include "ckernels.h"

// Compiled twice (target_clones): with AVX2 for CPUs that have it, 8 lanes at a time, and plainly
// (SSE2, 4 lanes) for the rest; the loader picks one when the library starts. -fno-math-errno lets the
// square root vectorise (no errno to set for a negative v, which cannot occur: v is a mean of squares).
__attribute__((target_clones("avx2", "default")))
void ganbook_adam_update(float *restrict p, const float *restrict grad, float *restrict m, float *restrict v, long n,
                         float beta1, float beta2, float step_size, float correction2_root, float eps,
                         float weight_decay) {
    const float keep1 = 1.0f - beta1, keep2 = 1.0f - beta2;
    for (long j = 0; j < n; j++) {
        // The test is the same for every j: the compiler hoists it and vectorises each version of the loop.
        float g = weight_decay == 0.0f ? grad[j] : grad[j] + weight_decay * p[j];
        float mj = beta1 * m[j] + keep1 * g;
        float vj = beta2 * v[j] + keep2 * g * g;
        m[j] = mj;
        v[j] = vj;
        p[j] = p[j] - step_size * mj / (__builtin_sqrtf(vj) / correction2_root + eps);
    }
}
