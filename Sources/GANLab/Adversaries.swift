import Autograd
import NN
import TensorCore

/// Two players of an adversarial game: a generator G that makes fakes from noise and a
/// discriminator D that tells fakes from real things, each with its own Adam.
///
/// ganbook has one adversarial step, written here and shared by lesson 4's coin game (a counterfeiter
/// and a treasurer over four-number coins) and lesson 5's GAN over digits: what a learner sees in the
/// toy is exactly what trains the real thing.
///
/// D's outputs are logits, one per item: `[N]` (the reference GANs) or `[N, 1]` (a plain `Sequential`);
/// both are read as `[N]`.
public protocol Adversaries: AnyObject {
    var G: Module { get }
    var D: Module { get }
    var optimizerG: Adam { get }
    var optimizerD: Adam { get }
}

/// What one D update did: its loss (real part + fake part), and D's mean verdicts σ(D(·)).
public struct DiscriminatorUpdate: Sendable {
    public let loss, lossReal, lossFake, dReal, dFake: Float
}

/// What one G update did: its loss and D's mean verdict σ(D(fake)) on the fakes it learned from.
public struct GeneratorUpdate: Sendable {
    public let loss, dFake: Float
}

extension Adversaries {
    /// Freezes (or thaws) both players' learning: a frozen game plays on, and nothing learns.
    public func freezeLearning(_ frozen: Bool) {
        optimizerG.isFrozen = frozen
        optimizerD.isFrozen = frozen
    }

    /// D's logits for a batch, as `[N]`.
    func verdicts(_ x: Variable) -> Variable {
        let out = D(x)
        return out.shape.count == 1 ? out : out.reshaped([x.shape[0]])
    }

    /// D's update: bce(D(real), realLabel) + bce(D(fake.detach()), 0); backward; step. `realLabel` < 1 is
    /// one-sided label smoothing. Its own function so that D's graphs are released before G's pass.
    /// `real`: `[N, …]` real items; `fake`: `[M, …]` from G (detached here, so G learns nothing from it).
    /// A row-wise D (`Module.isRowWise`: the MLP's, the coin game's treasurer) judges both in one pass when
    /// their items have the same shape; any other D (BatchNorm: the DCGAN's) judges them apart.
    public func updateD(real: Tensor, fake: Variable, realLabel: Float = 1) -> DiscriminatorUpdate {
        let n = real.shape[0], m = fake.shape[0]
        optimizerD.zeroGrad()
        // D's graphs live only inside this closure, so they are gone before the step: each layer's
        // node keeps D's weights for its backward pass, and while it lived, Adam's in-place update had to
        // copy every weight of D first (copy-on-write; 2.7% of an MLP step).
        let update: DiscriminatorUpdate = {
            let lossD: Variable
            let outReal, outFake: Tensor
            if D.isRowWise, real.shape.dropFirst() == fake.shape.dropFirst() {
                // Both batches in one pass: the same loss and gradients as two passes, up to the order of
                // float sums, with every product of D twice as tall and one ∂W per layer instead of two
                // added together (MLP step 1.02–1.24×, median 1.06×, 8 alternated runs). The mean over
                // all n + m rows, weighted so that it is mean(real part) + mean(fake part).
                let both = verdicts(Variable.concat([Variable(real), fake.detach()], axis: 0))
                let weights = Tensor.concat([.full([n], Float(n + m) / Float(n)), .full([m], Float(n + m) / Float(m))], axis: 0)
                let targets = Tensor.concat([.full([n], realLabel), .zeros([m])], axis: 0)
                lossD = Loss.bceWithLogits(both, Variable(targets), weights: weights)
                outReal = both.value.rows(Array(0..<n))
                outFake = both.value.rows(Array(n..<n + m))
            } else {
                // BatchNorm normalises a batch by its own statistics: D sees the real and the fake batch
                // apart, as PyTorch's reference does.
                let verdictsReal = verdicts(Variable(real)), verdictsFake = verdicts(fake.detach())
                lossD =
                    Loss.bceWithLogits(verdictsReal, Variable(.full([n], realLabel)))
                    + Loss.bceWithLogits(verdictsFake, Variable(.zeros([m])))
                outReal = verdictsReal.value
                outFake = verdictsFake.value
            }
            lossD.backward()
            return DiscriminatorUpdate(
                loss: lossD.value.item,
                lossReal: Loss.bceWithLogits(Variable(outReal), Variable(.full([n], realLabel))).value.item,
                lossFake: Loss.bceWithLogits(Variable(outFake), Variable(.zeros([m]))).value.item,
                dReal: outReal.sigmoid().mean().item, dFake: outFake.sigmoid().mean().item)
        }()
        optimizerD.step()
        return update
    }

    /// G's update through the (frozen) D: bce(D(fake), 1), the non-saturating loss; backward into G; step.
    public func updateG(fake: Variable) -> GeneratorUpdate {
        let update = generatorGradients(fake: fake)
        optimizerG.step()
        return update
    }

    /// Everything of G's update but the step: G's gradients through the frozen D. A caller that lets go
    /// of `fake` (G's graph, which keeps G's weights for its backward pass) before `optimizerG.step()`
    /// spares Adam a copy-on-write of every weight of G (`GANPair.step`, `GANTrainer.step`).
    public func generatorGradients(fake: Variable) -> GeneratorUpdate {
        let ones = Variable(.ones([fake.shape[0]]))
        optimizerG.zeroGrad()
        // D is frozen while G learns through it: its gradients would be thrown away anyway (PyTorch
        // computes them again; here D's .grad stays that of its own update, which is what a learner inspects).
        D.setRequiresGrad(false)
        defer { D.setRequiresGrad(true) }
        let outG = verdicts(fake)
        let lossG = Loss.bceWithLogits(outG, ones)
        lossG.backward()
        return GeneratorUpdate(loss: lossG.value.item, dFake: outG.value.sigmoid().mean().item)
    }

    /// The norm of all of a network's gradients taken together, √Σ‖∂L/∂p‖² (0 before any backward).
    public static func gradientNorm(_ m: Module) -> Double {
        var s = 0.0
        for p in m.parameters { if let g = p.grad { s += Double((g * g).sum().item) } }
        return s.squareRoot()
    }
}
