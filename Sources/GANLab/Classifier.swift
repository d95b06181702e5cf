import Autograd
import NN
import TensorCore

/// The digit classifier of lesson 3, which lesson 5 uses to judge generated digits.
///
///     Conv2d(1 → 16, k3 p1) BatchNorm2d ReLU MaxPool2d(2)    [N, 16, 14, 14]
///     Conv2d(16 → 32, k3 p1) BatchNorm2d ReLU MaxPool2d(2)   [N, 32, 7, 7]
///     Flatten → Linear(1568 → 10)                            logits
///
/// Input: `[N, 1, 28, 28]` with pixels in [0, 1]. Parameter names `0.weight`, `1.running_mean`, `9.weight`…
/// as the same `Sequential` gets in the notebook, so lesson 3's `save_model` file loads into it.
public func mnistClassifier(using g: inout SeededGenerator) -> Sequential {
    Sequential([
        Conv2d(1, 16, kernelSize: 3, padding: 1, using: &g), BatchNorm2d(16), ReLU(), MaxPool2d(2),
        Conv2d(16, 32, kernelSize: 3, padding: 1, using: &g), BatchNorm2d(32), ReLU(), MaxPool2d(2),
        Flatten(), Linear(32 * 7 * 7, 10, using: &g),
    ])
}
