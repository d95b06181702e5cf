import TensorCore
import Testing

@testable import Autograd
@testable import NN

@Suite("Losses agree with PyTorch")
struct LossTests {
    /// Loss value and gradient of its first input, against `<name>.out` and `<name>.grad.<input>`.
    func check(_ name: String, input: String, _ f: (Variable) -> Variable) {
        let x = Variable(Torch["\(name).\(input)"], requiresGrad: true)
        let loss = f(x)
        expectMatch(loss.value, "\(name).out")
        loss.backward()
        expectMatch(x.grad, "\(name).grad.\(input)")
    }

    @Test func mse() { check("mse", input: "pred") { Loss.mse($0, Variable(Torch["mse.target"])) } }
    @Test func bce() { check("bce", input: "pred") { Loss.bce($0, Variable(Torch["bce.target"])) } }
    @Test("BCE with logits stays finite and exact at logits ±30, ±40")
    func bceWithLogits() { check("bce_logits", input: "logits") { Loss.bceWithLogits($0, Variable(Torch["bce_logits.target"])) } }
    @Test("BCE with logits and per-element weights, as PyTorch's weight=")
    func bceWithLogitsWeighted() {
        check("bce_logits_w", input: "logits") {
            Loss.bceWithLogits($0, Variable(Torch["bce_logits_w.target"]), weights: Torch["bce_logits_w.weight"])
        }
    }
    @Test func crossEntropy() { check("cross_entropy", input: "logits") { Loss.crossEntropy($0, Torch["cross_entropy.target"]) } }
    @Test func nll() { check("nll", input: "x") { Loss.nll($0, Torch["nll.target"]) } }

    @Test func accuracy() {
        let logits = Tensor([[2, 1, 0], [0, 3, 1], [1, 0, 5], [4, 0, 0]])
        #expect(Loss.accuracy(logits, Tensor([0, 1, 1, 0])) == 0.75)
    }

    @Test("BCE on probabilities 0 and 1 clamps the log at −100 like PyTorch")
    func bceClamp() {
        let loss = Loss.bce(Variable(Tensor([0, 1])), Variable(Tensor([1, 0])))
        #expect(loss.value.item == 100)
    }
}

@Suite("Optimizers follow PyTorch's update rules")
struct OptimizerTests {
    /// Three steps from `opt.w0` with gradients `opt.g1…g3`, compared after each step with `<name>.step<t>`.
    func run(_ name: String, _ make: ([(name: String, variable: Variable)]) -> Optimizer) -> Optimizer {
        let w = Variable(Torch["opt.w0"], requiresGrad: true)
        let optimizer = make([("w", w)])
        for t in 1...3 {
            w.grad = Torch["opt.g\(t)"]
            optimizer.step()
            expectMatch(w.value, "\(name).step\(t)")
        }
        return optimizer
    }

    @Test func sgd() { _ = run("sgd") { SGD($0, learningRate: 0.1) } }

    @Test func sgdMomentumAndWeightDecay() {
        let opt = run("sgd_momentum") { SGD($0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) } as! SGD
        expectMatch(opt.momentumBuffers[0], "sgd_momentum.momentum_buffer")
    }

    @Test func adam() {
        let opt = run("adam") { Adam($0, learningRate: 1e-2, betas: (0.9, 0.999)) } as! Adam
        expectMatch(opt.firstMoments[0], "adam.exp_avg")
        expectMatch(opt.secondMoments[0], "adam.exp_avg_sq")
    }

    @Test func adamWithWeightDecayAndGANBetas() {
        _ = run("adam_wd") { Adam($0, learningRate: 2e-4, betas: (0.5, 0.999), weightDecay: 0.01) }
    }

    @Test("state saved and restored continues exactly")
    func stateRoundTrip() throws {
        let a = Variable(Torch["opt.w0"], requiresGrad: true), b = Variable(Torch["opt.w0"], requiresGrad: true)
        let first = Adam([("w", a)], learningRate: 1e-2), second = Adam([("w", b)], learningRate: 1e-2)
        a.grad = Torch["opt.g1"]; first.step()
        b.value = a.value
        try second.loadStateDict(Dictionary(uniqueKeysWithValues: first.stateDict().map { ($0.name, $0.tensor) }))
        a.grad = Torch["opt.g2"]; b.grad = Torch["opt.g2"]
        first.step(); second.step()
        #expect(a.value == b.value)
    }

    @Test("parameters without a gradient are left alone")
    func skipsMissingGrad() {
        let w = Variable(.ones([2]), requiresGrad: true)
        let opt = Adam([("w", w)])
        opt.step()
        #expect(w.value == .ones([2]))
    }
}
