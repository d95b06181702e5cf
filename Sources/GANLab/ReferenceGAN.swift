import Autograd
import NN
import TensorCore

/// The GANs of the PyTorch reference (`shared/bench/reference_gan.py`), layer for layer, with the
/// same parameter names: a checkpoint of either loads into the other.
public enum GANArchitecture: String, Sendable, CaseIterable {
    /// Convolutional: transposed convolutions up from 7×7, convolutions down to a logit.
    case dcgan
    /// Fully connected.
    case mlp
}

/// DCGAN generator.   z: `[N, nz]` → images `[N, 1, 28, 28]` in (−1, 1).
///
///     fc Linear(nz → 128·7·7) → bn0 BatchNorm1d → ReLU → view [N, 128, 7, 7]
///     → deconv1 ConvTranspose2d(128 → 64, k4 s2 p1) → bn1 BatchNorm2d → ReLU     (14×14)
///     → deconv2 ConvTranspose2d(64 → 1, k4 s2 p1) → Tanh                       (28×28)
///
/// A conditional G (`classes` 10) takes z with the one-hot label of the digit to draw behind it
/// (`latent` = nz + 10), and the label once more as 10 planes behind the 7×7 maps (deconv1 reads
/// 128 + 10 channels): told only at the input, the label reached the pixels through one layer that
/// also carries the noise, and one digit in ten came out as another (lesson 6, seed 2: the 3s).
public final class DCGANGenerator: Module {
    public let fc: Linear, bn0: BatchNorm, deconv1: ConvTranspose2d, bn1: BatchNorm, deconv2: ConvTranspose2d
    /// 10 for a conditional G, 0 otherwise.
    public let classes: Int

    public init(latent: Int = 100, classes: Int = 0, using g: inout SeededGenerator) {
        self.classes = classes
        fc = Linear(latent, 128 * 7 * 7, using: &g)
        bn0 = BatchNorm1d(128 * 7 * 7)
        deconv1 = ConvTranspose2d(128 + classes, 64, kernelSize: 4, stride: 2, padding: 1, using: &g)
        bn1 = BatchNorm2d(64)
        deconv2 = ConvTranspose2d(64, 1, kernelSize: 4, stride: 2, padding: 1, using: &g)
        super.init()
        addChild("fc", fc); addChild("bn0", bn0); addChild("deconv1", deconv1); addChild("bn1", bn1); addChild("deconv2", deconv2)
    }

    public override func forward(_ z: Variable) -> Variable {
        var h = bn0(fc(z)).relu().reshaped([z.shape[0], 128, 7, 7])
        if classes > 0 {
            let planes = LabelPlanes.planes(oneHot: LabelPlanes.lastColumns(z.value, classes), height: 7, width: 7)
            h = Variable.concat([h, Variable(planes)], axis: 1)
        }
        h = bn1(deconv1(h)).relu()
        return deconv2(h).tanh()
    }

    public override var typeName: String { "Generator" }
}

/// DCGAN discriminator.   images `[N, 1, 28, 28]` → logits `[N]` (positive: "real").
///
///     conv1 Conv2d(1 → 64, k4 s2 p1) → LeakyReLU 0.2                          (14×14)
///     → conv2 Conv2d(64 → 128, k4 s2 p1) → bn2 BatchNorm2d → LeakyReLU 0.2    (7×7)
///     → flatten h → fc Linear(6272 → 1)
///
/// A conditional D (`classes` 10) reads each image with 10 label planes behind it, `[N, 11, 28, 28]`:
/// plane c is all ones when the image is meant to be digit c (the conditional DCGAN's usual way in),
/// and adds a projection to its logit (Miyato & Koyama, "cGANs with projection discriminator", 2018):
/// `embed.weight[:, y] · h`, one learned 6272-vector per digit matched against the image's features,
/// which asks "does this look like a y?" at the end, where the features know most about the digit.
public final class DCGANDiscriminator: Module {
    public let conv1: Conv2d, conv2: Conv2d, bn2: BatchNorm, fc: Linear
    /// A conditional D's projection, `Linear(classes → 6272, no bias)`: its weight's column y is digit y's vector.
    public let embed: Linear?
    /// 10 for a conditional D, 0 otherwise.
    public let classes: Int

    public init(classes: Int = 0, using g: inout SeededGenerator) {
        self.classes = classes
        conv1 = Conv2d(1 + classes, 64, kernelSize: 4, stride: 2, padding: 1, using: &g)
        conv2 = Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, using: &g)
        bn2 = BatchNorm2d(128)
        fc = Linear(128 * 7 * 7, 1, using: &g)
        embed = classes > 0 ? Linear(classes, 128 * 7 * 7, bias: false, using: &g) : nil
        super.init()
        addChild("conv1", conv1); addChild("conv2", conv2); addChild("bn2", bn2); addChild("fc", fc)
        if let embed { addChild("embed", embed) }
    }

    public override func forward(_ x: Variable) -> Variable {
        var h = conv1(x).leakyRelu(0.2)
        h = bn2(conv2(h)).leakyRelu(0.2).flattened(from: 1)  // [N, 6272]
        let logits = fc(h).reshaped([x.shape[0]])
        guard let embed else { return logits }
        let labels = Variable(LabelPlanes.oneHot(behind: x.value, classes: classes))  // [N, classes]
        return logits + (embed(labels) * h).sum(axes: [1])
    }

    public override var typeName: String { "Discriminator" }
}

/// MLP generator `net`: Linear(nz→256) LReLU 0.2, Linear(256→512) LReLU 0.2, Linear(512→784) Tanh → `[N, 1, 28, 28]`.
public final class MLPGenerator: Module {
    public let net: Sequential
    public init(latent: Int = 100, using g: inout SeededGenerator) {
        net = Sequential([
            Linear(latent, 256, using: &g), LeakyReLU(0.2), Linear(256, 512, using: &g), LeakyReLU(0.2),
            Linear(512, 784, using: &g), Tanh(),
        ])
        super.init()
        addChild("net", net)
    }
    public override func forward(_ z: Variable) -> Variable { net(z).reshaped([z.shape[0], 1, 28, 28]) }
    public override var typeName: String { "Generator" }
}

/// MLP discriminator `net`: Linear(784→512) LReLU 0.2, Linear(512→256) LReLU 0.2, Linear(256→1) → logits `[N]`.
public final class MLPDiscriminator: Module {
    public let net: Sequential
    public init(using g: inout SeededGenerator) {
        net = Sequential([
            Linear(784, 512, using: &g), LeakyReLU(0.2), Linear(512, 256, using: &g), LeakyReLU(0.2),
            Linear(256, 1, using: &g),
        ])
        super.init()
        addChild("net", net)
    }
    public override func forward(_ x: Variable) -> Variable { net(x.flattened(from: 1)).reshaped([x.shape[0]]) }
    public override var typeName: String { "Discriminator" }
    public override var isRowWise: Bool { net.isRowWise }
}
