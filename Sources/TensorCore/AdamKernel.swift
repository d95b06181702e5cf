import CKernels

/// Adam's update over one parameter buffer, split across the engine's threads (`NN.Adam` computes the
/// scalars, this applies them). The loop itself is C (`CKernels/adam.c`), where the square root
/// vectorises: Swift's `SIMD8<Float>.squareRoot()` runs lane by lane.
public enum AdamKernel {
    /// For every j: g = grad[j] + weightDecay·p[j]; m[j] = β₁·m[j] + (1 − β₁)·g; v[j] = β₂·v[j] + (1 − β₂)·g²;
    /// p[j] −= stepSize · m[j] / (√v[j] / correction2Root + ε). All four buffers hold `count` floats.
    public static func update(
        parameters p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        firstMoment m: UnsafeMutablePointer<Float>, secondMoment v: UnsafeMutablePointer<Float>, count: Int,
        beta1: Float, beta2: Float, stepSize: Float, correction2Root: Float, eps: Float, weightDecay: Float
    ) {
        parallelChunks(count, work: 8 * count) { range in
            let j = range.lowerBound
            ganbook_adam_update(
                p + j, gradient + j, m + j, v + j, range.count, beta1, beta2, stepSize, correction2Root, eps, weightDecay)
        }
    }
}
