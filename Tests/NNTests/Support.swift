import Foundation
import TensorCore
import Testing

@testable import Autograd
@testable import NN

/// The PyTorch reference values (written by Fixtures/make_fixtures.py), read once.
enum Torch {
    static let tensors: [String: Tensor] = {
        let url = Bundle.module.url(forResource: "torch_reference", withExtension: "safetensors", subdirectory: "Fixtures")!
        let decoded = try! SafeTensors.load(url.path)
        return Dictionary(uniqueKeysWithValues: decoded.tensors.map { ($0.name, $0.tensor) })
    }()

    static subscript(_ name: String) -> Tensor {
        guard let t = tensors[name] else { fatalError("fixture has no \(name)") }
        return t
    }
}

/// Largest |a − b| / (1 + |b|) — a relative error that stays sane near zero.
func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape, "shapes \(a.shape) vs \(b.shape)")
    var worst: Float = 0
    for (x, y) in zip(a.scalars, b.scalars) { worst = max(worst, abs(x - y) / (1 + abs(y))) }
    return worst
}

/// Expects `a` to match PyTorch's `b` within `tolerance` relative error, naming the tensor on failure.
func expectMatch(_ a: Tensor?, _ name: String, tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
    let b = Torch[name]
    guard let a else {
        Issue.record("\(name): no value", sourceLocation: sourceLocation)
        return
    }
    guard a.shape == b.shape else {
        Issue.record("\(name): shape \(a.shape), PyTorch \(b.shape)", sourceLocation: sourceLocation)
        return
    }
    let err = relativeError(a, b)
    #expect(err <= tolerance, "\(name): max relative error \(err)", sourceLocation: sourceLocation)
}

/// Runs forward and backward of `layer` on fixture `<case>.x` with upstream gradient `<case>.gout`,
/// after loading the fixture's weight and bias into it.
func checkLayer(_ layer: Module, case name: String, tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
    for (param, variable) in layer.namedParameters() { variable.value = Torch["\(name).\(param)"] }
    let x = Variable(Torch["\(name).x"], requiresGrad: true)
    let out = layer(x)
    expectMatch(out.value, "\(name).out", tolerance: tolerance, sourceLocation: sourceLocation)
    out.backward(Torch["\(name).gout"])
    expectMatch(x.grad, "\(name).grad.x", tolerance: tolerance, sourceLocation: sourceLocation)
    for (param, variable) in layer.namedParameters() {
        expectMatch(variable.grad, "\(name).grad.\(param)", tolerance: tolerance, sourceLocation: sourceLocation)
    }
}
