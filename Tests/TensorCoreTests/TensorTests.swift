import Foundation
import Testing

@testable import TensorCore

@Suite("Creating tensors")
struct CreationTests {
    @Test func fromNestedArrays() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(m.shape == [2, 3] && m.scalars == [1, 2, 3, 4, 5, 6] && m.strides == [3, 1])
        let cube = Tensor([[[1, 2]], [[3, 4]]])
        #expect(cube.shape == [2, 1, 2])
        #expect(Tensor(5).shape == [] && Tensor(5).item == 5)
    }

    @Test func constants() {
        #expect(Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor.full([3], 7).scalars == [7, 7, 7])
        #expect(Tensor.eye(3) == Tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
        #expect(Tensor.arange(0, 5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.arange(5, 0, step: -2).scalars == [5, 3, 1])
        #expect(Tensor.linspace(0, 1, count: 5).scalars == [0, 0.25, 0.5, 0.75, 1])
    }

    @Test("random tensors are reproducible from the seed and have the right statistics")
    func random() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let x = Tensor.randn([10_000], using: &a)
        #expect(x == Tensor.randn([10_000], using: &b))
        #expect(x != Tensor.randn([10_000], using: &c))
        #expect(abs(x.mean().item) < 0.03 && abs(x.std().item - 1) < 0.03)
        let u = Tensor.rand([10_000], low: -1, high: 3, using: &a)
        #expect(u.min().item >= -1 && u.max().item < 3 && abs(u.mean().item - 1) < 0.05)
        let k = Tensor.randint(0, 10, [10_000], using: &a)
        #expect(Set(k.scalars) == Set((0..<10).map(Float.init)))
    }

    @Test(
        "randn fills in bulk (threads turning uniforms into normals) exactly the numbers nextNormal gives one by one",
        arguments: [0, 1, 2, 3, 17, 40_001])
    func bulkNormalsMatchOneByOne(count: Int) {
        for spareFirst in [false, true] {
            var bulk = SeededGenerator(seed: 7)
            if spareFirst { _ = bulk.nextNormal() }  // leaves a spare for the bulk fill to use first
            var single = bulk
            let x = Tensor.randn([count], mean: 0.5, std: 0.02, using: &bulk)
            let expected = (0..<count).map { _ in 0.5 + 0.02 * single.nextNormal() }
            #expect(x.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
            #expect(bulk == single)  // the same state and spare: later draws agree too
            #expect(bulk.nextNormal().bitPattern == single.nextNormal().bitPattern)
        }
    }

    @Test("normals are Box–Muller written out: r·cos θ first, r·sin θ next, from u1 then u2")
    func boxMullerWrittenOut() {
        var uniforms = SeededGenerator(seed: 11), normals = uniforms
        let x = Tensor.randn([9], using: &normals)
        var expected: [Float] = []
        while expected.count < 9 {
            let u1 = uniforms.nextUniform(), u2 = uniforms.nextUniform()  // never 0 for this seed
            let r = (-2 * logf(u1)).squareRoot(), theta = 2 * Float.pi * u2
            expected += [r * cosf(theta), r * sinf(theta)]
        }
        #expect(x.scalars.map(\.bitPattern) == expected.prefix(9).map(\.bitPattern))
        #expect(normals.nextNormal().bitPattern == expected[9].bitPattern)  // the spare
    }
}

@Suite("Shapes")
struct ShapeTests {
    let x = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))

    @Test func reshapeAndFlatten() {
        #expect(x.reshaped([6, -1]).shape == [6, 4])
        #expect(x.flattened(from: 1).shape == [2, 12])
        #expect(x.flattened().shape == [24])
        #expect(throws: ShapeError.reshapeCount(from: [2, 3, 4], to: [5, -1], toCount: nil)) {
            try Tensor.reshapeShape(x.shape, to: [5, -1])
        }
        #expect(throws: ShapeError.reshapeCount(from: [2, 3, 4], to: [5, 5], toCount: 25)) {
            try Tensor.reshapeShape(x.shape, to: [5, 5])
        }
    }

    @Test func squeezeUnsqueeze() {
        let y = x.unsqueezed(axis: 1)
        #expect(y.shape == [2, 1, 3, 4])
        #expect(y.squeezed().shape == [2, 3, 4])
        #expect(x.unsqueezed(axis: -1).shape == [2, 3, 4, 1])
        #expect(Tensor.zeros([1, 3, 1]).squeezed(axis: 0).shape == [3, 1])
    }

    @Test("permute and transpose move elements like PyTorch")
    func permute() {
        let m = Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(m.transposed() == Tensor([[1, 4], [2, 5], [3, 6]]))
        let p = x.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        // p[k, i, j] == x[i, j, k]
        for i in 0..<2 {
            for j in 0..<3 {
                for k in 0..<4 {
                    #expect(p.scalars[(k * 2 + i) * 3 + j] == x.scalars[(i * 3 + j) * 4 + k])
                }
            }
        }
        #expect(x.transposed(0, 2).shape == [4, 3, 2])
    }

    @Test func concatAndStack() {
        let a = Tensor([[1, 2]]), b = Tensor([[3, 4], [5, 6]])
        #expect(Tensor.concat([a, b], axis: 0) == Tensor([[1, 2], [3, 4], [5, 6]]))
        #expect(Tensor.concat([Tensor([[1], [2]]), Tensor([[3, 4], [5, 6]])], axis: 1) == Tensor([[1, 3, 4], [2, 5, 6]]))
        #expect(Tensor.stack([Tensor([1, 2]), Tensor([3, 4])]) == Tensor([[1, 2], [3, 4]]))
        #expect(Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], axis: 1) == Tensor([[1, 3], [2, 4]]))
    }
}

@Suite("Indexing and slicing")
struct IndexTests {
    let m = Tensor([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])

    @Test func integersAndNegatives() {
        #expect(m[.at(1)] == Tensor([4, 5, 6, 7]))
        #expect(m[.at(-1), .at(-2)].item == 10)
        #expect(m[.all, .at(0)] == Tensor([0, 4, 8]))
    }

    @Test("ranges with steps, negative steps and clamping, per axis")
    func slices() {
        #expect(m[.all, .slice(start: 1, end: 3, step: 1)] == Tensor([[1, 2], [5, 6], [9, 10]]))
        #expect(m[.slice(start: nil, end: nil, step: -1)] == Tensor([[8, 9, 10, 11], [4, 5, 6, 7], [0, 1, 2, 3]]))
        #expect(m[.at(0), .slice(start: nil, end: nil, step: 2)] == Tensor([0, 2]))
        #expect(m[.at(0), .slice(start: -3, end: 100, step: 1)] == Tensor([1, 2, 3]))
        #expect(m[.at(0), .slice(start: nil, end: nil, step: -2)] == Tensor([3, 1]))
        #expect(m[.slice(start: 5, end: 9, step: 1)].shape == [0, 4])
    }

    @Test("bad indices are reported with the axis and size")
    func errors() {
        #expect(throws: ShapeError.indexOutOfRange(index: 3, axis: 0, size: 3)) { try m.resolve([.at(3)]) }
        #expect(throws: ShapeError.tooManyIndices(count: 3, shape: [3, 4])) { try m.resolve([.at(0), .at(0), .at(0)]) }
        #expect(throws: ShapeError.zeroSliceStep) { try m.resolve([.slice(start: nil, end: nil, step: 0)]) }
    }

    @Test("assignment writes through, broadcasting the value")
    func assignment() {
        var t = m
        t[.at(0), .at(1)] = Tensor(100)
        t[.at(2)] = Tensor(-1)
        t[.all, .at(3)] = Tensor([7, 8, 9])
        #expect(t == Tensor([[0, 100, 2, 7], [4, 5, 6, 8], [-1, -1, -1, 9]]))
        #expect(m[.at(0), .at(1)].item == 1)  // copy on write: the original is untouched
    }

    @Test func rows() {
        #expect(m.rows([2, 0]) == Tensor([[8, 9, 10, 11], [0, 1, 2, 3]]))
    }
}

@Suite("Element-wise arithmetic and broadcasting")
struct ElementwiseTests {
    @Test("broadcasting follows NumPy's rules")
    func broadcasting() throws {
        let col = Tensor([[1], [2]]), row = Tensor([10, 20, 30])
        #expect(col + row == Tensor([[11, 21, 31], [12, 22, 32]]))
        #expect(row * 2 == Tensor([20, 40, 60]))
        #expect(try Tensor.broadcastShape([64, 1, 28, 28], [1, 28]) == [64, 1, 28, 28])
        #expect(try Tensor.broadcastShape([3, 1], [1, 4]) == [3, 4])
        #expect(throws: ShapeError.broadcast(a: [2, 3], b: [4], axis: -1, sizeA: 3, sizeB: 4)) {
            try Tensor.broadcastShape([2, 3], [4])
        }
        // Channel broadcasting as in BatchNorm: [N, C, H, W] with [1, C, 1, 1].
        let x = Tensor.ones([2, 3, 2, 2]) * Tensor([1, 2, 3]).reshaped([1, 3, 1, 1])
        #expect(x.sum(axes: [0, 2, 3]) == Tensor([8, 16, 24]))
    }

    @Test func functions() {
        let x = Tensor([-2, -0.5, 0, 1])
        #expect(x.relu() == Tensor([0, 0, 0, 1]))
        #expect(x.leakyRelu(0.2) == Tensor([-0.4, -0.1, 0, 1]))
        #expect(x.abs() == Tensor([2, 0.5, 0, 1]))
        #expect(x.clamp(min: -1, max: 0.5) == Tensor([-1, -0.5, 0, 0.5]))
        #expect(Tensor([1, 4, 9]).sqrt() == Tensor([1, 2, 3]))
        #expect(Tensor([2, 3]).pow(2) == Tensor([4, 9]))
        #expect(abs(Tensor([0]).exp().item - 1) < 1e-7 && abs(Tensor([1]).exp().log().item - 1) < 1e-6)
        #expect(Tensor([0]).sigmoid().item == 0.5 && Tensor([0]).tanh().item == 0)
        // No overflow for large inputs.
        #expect(Tensor([-100, 100]).sigmoid().scalars.allSatisfy { $0.isFinite })
    }

    @Test("comparisons give 0/1 and where selects")
    func comparisons() {
        let a = Tensor([1, 2, 3]), b = Tensor([3, 2, 1])
        #expect((a .< b) == Tensor([1, 0, 0]))
        #expect((a .== b) == Tensor([0, 1, 0]))
        #expect((a .>= b) == Tensor([0, 1, 1]))
        #expect(Tensor.where(a .> b, a, b) == Tensor([3, 2, 3]))
        #expect(Tensor.maximum(a, Tensor(2)) == Tensor([2, 2, 3]))
    }
}

@Suite("Reductions")
struct ReductionTests {
    let x = Tensor([[1, 2, 3], [4, 5, 6]])

    @Test func sumsAndMeans() {
        #expect(x.sum().item == 21)
        #expect(x.sum(axes: [0]) == Tensor([5, 7, 9]))
        #expect(x.sum(axes: [1], keepDims: true) == Tensor([[6], [15]]))
        #expect(x.mean(axes: [-1]) == Tensor([2, 5]))
        #expect(Tensor.ones([3, 4, 5]).sum(axes: [0, 2]) == Tensor([15, 15, 15, 15]))
    }

    @Test("max, min, argmax along an axis; first index wins ties")
    func extremes() {
        #expect(x.max().item == 6 && x.min().item == 1)
        #expect(x.max(axis: 0) == Tensor([4, 5, 6]))
        #expect(x.min(axis: 1, keepDims: true) == Tensor([[1], [4]]))
        #expect(x.argmax(axis: 1) == Tensor([2, 2]))
        #expect(Tensor([3, 7, 7, 1]).argmax().item == 1)
    }

    @Test("var and std are unbiased by default, like PyTorch")
    func spread() {
        let v = Tensor([1, 2, 3, 4])
        #expect(abs(v.variance().item - 5.0 / 3.0) < 1e-6)
        #expect(v.variance(unbiased: false).item == 1.25)
        #expect(abs(v.std().item - (5.0 / 3.0).squareRoot()) < 1e-6)
    }

    @Test("softmax rows sum to one and survive huge logits")
    func softmax() {
        let s = Tensor([[1, 2, 3], [1000, 1000, 1000]]).softmax(axis: 1)
        for r in 0..<2 { #expect(abs(s[.at(r)].sum().item - 1) < 1e-6) }
        #expect(abs(s.scalars[3] - 1.0 / 3.0) < 1e-6)
        let ls = Tensor([[1, 2, 3]]).logSoftmax()
        #expect(abs(ls.exp().sum().item - 1) < 1e-6)
    }

    @Test("sums of a million values keep their precision (a plain Float loop drifts to ≈ 100958)")
    func longSum() {
        let exact = 1_000_000 * Double(Float(0.1))
        #expect(abs(Double(Tensor.full([1_000_000], 0.1).sum().item) - exact) < 0.05)
        #expect(abs(Double(Tensor.full([1000, 1000], 0.1).sum(axes: [0]).sum().item) - exact) < 0.05)
    }
}
