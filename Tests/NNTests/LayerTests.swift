import TensorCore
import Testing

@testable import Autograd
@testable import GANLab
@testable import NN

@Suite("Layers agree with PyTorch")
struct LayerTests {
    var g = SeededGenerator(seed: 1)

    @Test mutating func linear() { checkLayer(Linear(5, 3, using: &g), case: "linear") }

    @Test mutating func conv2d() {
        checkLayer(Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1, using: &g), case: "conv2d", tolerance: 1e-4)
        checkLayer(Conv2d(1, 4, kernelSize: 4, stride: 2, padding: 1, using: &g), case: "conv2d_k4", tolerance: 1e-4)
        checkLayer(Conv2d(3, 2, kernelSize: 2, using: &g), case: "conv2d_nopad", tolerance: 1e-4)
    }

    @Test mutating func convTranspose2d() {
        checkLayer(ConvTranspose2d(3, 2, kernelSize: 4, stride: 2, padding: 1, using: &g), case: "convt2d", tolerance: 1e-4)
        checkLayer(
            ConvTranspose2d(2, 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, using: &g),
            case: "convt2d_outpad", tolerance: 1e-4)
    }

    @Test(
        "BatchNorm: batch statistics, running statistics, then evaluation mode",
        arguments: [("bn1d", false, 4), ("bn2d", true, 3)])
    func batchNorm(name: String, spatial: Bool, features: Int) {
        let bn = BatchNorm(features, spatial: spatial)
        checkLayer(bn, case: name, tolerance: 1e-4)
        expectMatch(bn.buffer("running_mean"), "\(name).running_mean", tolerance: 1e-4)
        expectMatch(bn.buffer("running_var"), "\(name).running_var", tolerance: 1e-4)
        expectMatch(bn.buffer("num_batches_tracked"), "\(name).num_batches_tracked")
        bn.eval()
        expectMatch(bn(Variable(Torch["\(name).x"])).value, "\(name).eval_out", tolerance: 1e-4)
    }

    @Test func maxPool() { checkLayer(MaxPool2d(2), case: "maxpool") }

    @Test("activations", arguments: ["relu", "leaky_relu", "tanh", "sigmoid"])
    func activation(name: String) {
        let layer: Module =
            switch name {
            case "relu": ReLU()
            case "leaky_relu": LeakyReLU(0.2)
            case "tanh": Tanh()
            default: Sigmoid()
            }
        let x = Variable(Torch["act.x"], requiresGrad: true)
        let out = layer(x)
        expectMatch(out.value, "act.\(name).out")
        out.backward(Torch["act.\(name).gout"])
        expectMatch(x.grad, "act.\(name).grad.x")
    }

    @Test func softmaxAndLogSoftmax() {
        for (name, f) in [("softmax", { (v: Variable) in v.softmax(axis: 1) }), ("log_softmax", { $0.logSoftmax(axis: 1) })] {
            let x = Variable(Torch["softmax.x"], requiresGrad: true)
            let out = f(x)
            expectMatch(out.value, "\(name).out")
            out.backward(Torch["\(name).gout"])
            expectMatch(x.grad, "\(name).grad.x")
        }
    }

    @Test("parameter names and counts match PyTorch's state_dict")
    mutating func names() {
        let gan = GANPair(.dcgan, using: &g)
        #expect(
            gan.G.stateDict().map(\.name) == [
                "fc.weight", "fc.bias", "bn0.weight", "bn0.bias", "bn0.running_mean", "bn0.running_var", "bn0.num_batches_tracked",
                "deconv1.weight", "deconv1.bias", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                "bn1.num_batches_tracked", "deconv2.weight", "deconv2.bias",
            ])
        #expect(
            gan.D.stateDict(prefix: "D.").map(\.name) == [
                "D.conv1.weight", "D.conv1.bias", "D.conv2.weight", "D.conv2.bias", "D.bn2.weight", "D.bn2.bias",
                "D.bn2.running_mean", "D.bn2.running_var", "D.bn2.num_batches_tracked", "D.fc.weight", "D.fc.bias",
            ])
        #expect(gan.G.parameterCount == 6272 * 100 + 6272 + 2 * 6272 + 128 * 64 * 16 + 64 + 2 * 64 + 64 * 16 + 1)
        let mlp = GANPair(.mlp, using: &g)
        #expect(mlp.D.namedParameters().map(\.name) == ["net.0.weight", "net.0.bias", "net.2.weight", "net.2.bias", "net.4.weight", "net.4.bias"])
        #expect(
            Sequential([Linear(2, 3, using: &g), ReLU()]).summary() == [
                "Sequential(", "  (0): Linear(in_features=2, out_features=3, bias=True)", "  (1): ReLU()", ")",
            ])
    }

    @Test("default initialisation has PyTorch's bounds; DCGAN initialisation has its statistics")
    mutating func initialisation() {
        let conv = Conv2d(64, 128, kernelSize: 4, using: &g)
        let bound = 1 / Float(64 * 16).squareRoot()
        #expect(conv.weight.value.max().item <= bound && conv.weight.value.min().item >= -bound)
        #expect(conv.weight.value.max().item > 0.9 * bound)
        let gan = GANPair(.dcgan, using: &g)
        let w = (gan.G as! DCGANGenerator).fc.weight.value
        #expect(abs(w.mean().item) < 1e-3)
        #expect(abs(w.std().item - 0.02) < 1e-3)
        let gamma = (gan.D as! DCGANDiscriminator).bn2.weight.value
        #expect(abs(gamma.mean().item - 1) < 0.01)
    }

    @Test("dropout zeroes about p of the inputs in training and nothing in eval")
    mutating func dropout() {
        let drop = Dropout(0.25, using: &g)
        let y = drop(Variable(.ones([10_000]))).value
        let zeros = y.scalars.filter { $0 == 0 }.count
        #expect(zeros > 2300 && zeros < 2700)
        #expect(y.scalars.allSatisfy { $0 == 0 || abs($0 - 1 / 0.75) < 1e-6 })
        drop.eval()
        #expect(drop(Variable(.ones([5]))).value == .ones([5]))
    }
}
