import Autograd
import TensorCore

/// Batch normalisation over the channel axis 1, for `[N, C]` (BatchNorm1d) or `[N, C, H, W]` (BatchNorm2d).
///
/// Training: y = (x − μ_B) / √(σ²_B + ε) · γ + β with the batch's mean μ_B and biased variance σ²_B per
/// channel; the running statistics move toward them by `momentum` (the running variance uses the
/// unbiased σ², as PyTorch does). Evaluation: the running statistics replace the batch's.
/// γ (`weight`) starts at 1, β (`bias`) at 0; buffers `running_mean` 0, `running_var` 1, `num_batches_tracked` 0.
public final class BatchNorm: Module {
    public let features: Int
    public let spatial: Bool
    public let eps: Float
    public let momentum: Float
    public let weight: Variable
    public let bias: Variable

    /// - Parameter spatial: true for BatchNorm2d (`[N, C, H, W]`), false for BatchNorm1d (`[N, C]`).
    public init(_ features: Int, spatial: Bool, eps: Float = 1e-5, momentum: Float = 0.1) {
        (self.features, self.spatial, self.eps, self.momentum) = (features, spatial, eps, momentum)
        weight = Variable(.ones([features]), requiresGrad: true)
        bias = Variable(.zeros([features]), requiresGrad: true)
        super.init()
        register("weight", weight)
        register("bias", bias)
        addBuffer("running_mean", .zeros([features]))
        addBuffer("running_var", .ones([features]))
        addBuffer("num_batches_tracked", .zeros([]))
    }

    public override func forward(_ x: Variable) -> Variable {
        let axes = spatial ? [0, 2, 3] : [0]
        let channelShape = spatial ? [1, features, 1, 1] : [1, features]
        let gamma = weight.reshaped(channelShape), beta = bias.reshaped(channelShape)
        guard isTraining else {
            let mean = Variable(buffer("running_mean").reshaped(channelShape))
            let invStd = Variable((buffer("running_var") + eps).pow(-0.5).reshaped(channelShape))
            return (x - mean) * invStd * gamma + beta
        }
        let (y, mean, variance) = Variable.batchNorm(x, gamma: weight, beta: bias, eps: eps)
        updateRunningStatistics(mean: Tensor(mean), biasedVariance: Tensor(variance), n: x.value.reducedCount(axes))
        return y
    }

    private func updateRunningStatistics(mean: Tensor, biasedVariance: Tensor, n: Int) {
        let unbiased = biasedVariance.reshaped([features]) * (Float(n) / Float(Swift.max(n - 1, 1)))
        setBuffer("running_mean", buffer("running_mean") * (1 - momentum) + mean.reshaped([features]) * momentum)
        setBuffer("running_var", buffer("running_var") * (1 - momentum) + unbiased * momentum)
        setBuffer("num_batches_tracked", buffer("num_batches_tracked") + 1)
    }

    public override var typeName: String { spatial ? "BatchNorm2d" : "BatchNorm1d" }
    public override var settings: String { "\(features), eps=\(eps), momentum=\(momentum), affine=True, track_running_stats=True" }
}

/// PyTorch's names for the two shapes.
public func BatchNorm1d(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1) -> BatchNorm {
    BatchNorm(features, spatial: false, eps: eps, momentum: momentum)
}
public func BatchNorm2d(_ features: Int, eps: Float = 1e-5, momentum: Float = 0.1) -> BatchNorm {
    BatchNorm(features, spatial: true, eps: eps, momentum: momentum)
}
