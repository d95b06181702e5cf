import Autograd
import TensorCore

/// Loss functions (mean over the batch, as PyTorch's default `reduction='mean'`) and metrics.
/// All are composed from autograd primitives: no new derivatives.
public enum Loss {
    /// Mean squared error: mean((pred − target)²). Any matching shapes.
    public static func mse(_ pred: Variable, _ target: Variable) -> Variable {
        let d = pred - target
        return (d * d).mean()
    }

    /// Binary cross-entropy on probabilities p ∈ [0, 1]: −mean(t·log p + (1 − t)·log(1 − p)).
    /// Each log is clamped at −100, as PyTorch does, so p = 0 or 1 gives a large but finite loss.
    public static func bce(_ p: Variable, _ target: Variable) -> Variable {
        let logP = p.log().clamp(min: -100)
        let logNotP = (1 - p).log().clamp(min: -100)
        return -(target * logP + (1 - target) * logNotP).mean()
    }

    /// Binary cross-entropy on logits x (before the sigmoid), numerically stable for any x:
    /// mean(max(x, 0) − x·t + log(1 + e^−|x|)), which equals bce(σ(x), t) without overflow.
    /// `weights` (the shape of `logits`) scale each element's loss before the mean, as PyTorch's `weight`.
    public static func bceWithLogits(_ logits: Variable, _ target: Variable, weights: Tensor? = nil) -> Variable {
        let softplusOfMinusAbs = ((-logits.abs()).exp() + 1).log()
        precondition(weights == nil || weights!.shape == logits.shape, "bceWithLogits: weights must have the logits' shape")
        let perElement = logits.relu() - logits * target + softplusOfMinusAbs
        return (weights.map { perElement * Variable($0) } ?? perElement).mean()
    }

    /// Negative log-likelihood: −mean over rows of logProbs[i, target[i]].
    /// `logProbs: [N, classes]`, `target: [N]` class indices (as floats).
    public static func nll(_ logProbs: Variable, _ target: Tensor) -> Variable {
        let classes = logProbs.shape[1]
        let onehot = oneHot(target, classes: classes)
        return -(logProbs * Variable(onehot)).sum() * (1 / Float(logProbs.shape[0]))
    }

    /// Cross-entropy from logits: nll(log_softmax(logits), target). `logits: [N, classes]`, `target: [N]`.
    public static func crossEntropy(_ logits: Variable, _ target: Tensor) -> Variable {
        nll(logits.logSoftmax(axis: 1), target)
    }

    /// Fraction of rows whose largest logit is at the target class. `logits: [N, classes]`, `target: [N]`.
    public static func accuracy(_ logits: Tensor, _ target: Tensor) -> Float {
        let predicted = logits.argmax(axis: 1)
        return (predicted .== target).mean().item
    }

    /// `[N]` class indices → `[N, classes]` rows of zeros with a 1 at the class.
    public static func oneHot(_ target: Tensor, classes: Int) -> Tensor {
        var out = Tensor.zeros([target.count, classes])
        out.withUnsafeMutableBufferPointer { o in
            for (i, t) in target.scalars.enumerated() { o[i * classes + Int(t)] = 1 }
        }
        return out
    }
}
