import Autograd
import CellLanguage
import NN
import TensorCore

extension Builtins {
    static let autogradBuiltins: [Builtin] = [
        define(
            "backward", "backward(loss)", "Fills .grad of every tensor that requires grad with ∂loss/∂tensor (loss.backward()).",
            example: "loss = (w * x).sum(); backward(loss); w.grad", topic: "autograd"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: ["loss"], maxPositional: 1)
            try backward(try args.tensor(0, "loss"), at: args.range)
            return .none
        },
        define(
            "zero_grad", "zero_grad(x)", "Clears x.grad (or every parameter's, for a model or optimizer).",
            example: "zero_grad(w)", topic: "autograd"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: ["x"], maxPositional: 1)
            let (v, r) = try args.required(0, "x")
            switch v {
            case .tensor(let t): t.zeroGrad()
            case .module(let m): m.zeroGrad()
            case .optimizer(let o): o.zeroGrad()
            default: throw CellError(.type, "zero_grad takes a tensor, a model or an optimizer, got \(v.typeName)", at: r)
            }
            return .none
        },
        define("detach", "detach(x)", "The same values with no gradient history.", example: "y = detach(x)", topic: "autograd") { args, _ throws(CellError) in
            try args.accept(keywords: ["x"], maxPositional: 1)
            return .tensor(try args.tensor(0, "x").detach())
        },
    ]

    /// `loss.backward()`: only from a one-element tensor that has a graph behind it.
    static func backward(_ loss: Variable, at range: SourceRange) throws(CellError) {
        guard loss.requiresGrad else {
            throw CellError(
                .value, "this tensor has no gradient history: nothing it was computed from requires grad",
                at: range, hint: "create the inputs with requires_grad=True, e.g. w = tensor([1.0], requires_grad=True)")
        }
        guard loss.value.count == 1 else {
            throw CellError(.shape, "backward() starts from one number (a loss), but this tensor has shape \(describe(loss.shape)); reduce it first, e.g. .sum() or .mean()", at: range)
        }
        loss.backward()
    }

    static let nnBuiltins: [Builtin] = [
        define(
            "Linear", "Linear(in_features, out_features, bias=True)", "y = x·Wᵀ + b, for x of shape [batch, in_features].",
            example: "layer = Linear(784, 10)", topic: "layers"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["in_features", "out_features", "bias"], maxPositional: 3)
            let i = try positive(args, 0, "in_features"), o = try positive(args, 1, "out_features")
            try Interpreter.checkBudget([i, o], at: args.range)
            return .module(Linear(i, o, bias: try args.bool(2, "bias", default: true), using: &interp.generator))
        },
        define(
            "Conv2d", "Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0)", "2-D convolution over [batch, channels, height, width].",
            example: "conv = Conv2d(1, 8, 3, padding=1)", topic: "layers"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["in_channels", "out_channels", "kernel_size", "stride", "padding", "bias"], maxPositional: 5)
            let i = try positive(args, 0, "in_channels"), o = try positive(args, 1, "out_channels"), k = try positive(args, 2, "kernel_size")
            try Interpreter.checkBudget([o, i, k, k], at: args.range)
            return .module(
                Conv2d(
                    i, o, kernelSize: k, stride: try positive(args, 3, "stride", default: 1),
                    padding: try nonNegative(args, 4, "padding"), bias: try args.bool(nil, "bias", default: true), using: &interp.generator))
        },
        define(
            "ConvTranspose2d", "ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0)",
            "Transposed convolution: upsamples feature maps.", example: "up = ConvTranspose2d(64, 1, 4, stride=2, padding=1)", topic: "layers"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "bias"], maxPositional: 6)
            let i = try positive(args, 0, "in_channels"), o = try positive(args, 1, "out_channels"), k = try positive(args, 2, "kernel_size")
            try Interpreter.checkBudget([o, i, k, k], at: args.range)
            let s = try positive(args, 3, "stride", default: 1), op = try nonNegative(args, 5, "output_padding")
            guard op < s else { throw CellError(.value, "output_padding must be smaller than stride", at: args.range) }
            return .module(
                ConvTranspose2d(
                    i, o, kernelSize: k, stride: s, padding: try nonNegative(args, 4, "padding"), outputPadding: op,
                    bias: try args.bool(nil, "bias", default: true), using: &interp.generator))
        },
        define(
            "BatchNorm1d", "BatchNorm1d(num_features)", "Normalises each feature over the batch; learns a scale and a shift.",
            example: "bn = BatchNorm1d(256)", topic: "layers"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: ["num_features", "eps", "momentum"], maxPositional: 1)
            return .module(
                NN.BatchNorm1d(
                    try positive(args, 0, "num_features"), eps: Float(try args.number(nil, "eps", default: 1e-5)),
                    momentum: Float(try args.number(nil, "momentum", default: 0.1))))
        },
        define(
            "BatchNorm2d", "BatchNorm2d(num_features)", "Normalises each channel over batch, height and width.",
            example: "bn = BatchNorm2d(64)", topic: "layers"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: ["num_features", "eps", "momentum"], maxPositional: 1)
            return .module(
                NN.BatchNorm2d(
                    try positive(args, 0, "num_features"), eps: Float(try args.number(nil, "eps", default: 1e-5)),
                    momentum: Float(try args.number(nil, "momentum", default: 0.1))))
        },
        define("MaxPool2d", "MaxPool2d(kernel_size, stride=kernel_size)", "The largest value of each window.", example: "pool = MaxPool2d(2)", topic: "layers") { args, _ throws(CellError) in
            try args.accept(keywords: ["kernel_size", "stride"], maxPositional: 2)
            let k = try positive(args, 0, "kernel_size")
            return .module(MaxPool2d(k, stride: try positive(args, 1, "stride", default: k)))
        },
        simpleLayer("ReLU", "max(x, 0) as a layer.") { ReLU() },
        simpleLayer("Tanh", "tanh as a layer.") { Tanh() },
        simpleLayer("Sigmoid", "The logistic sigmoid as a layer.") { Sigmoid() },
        define("LeakyReLU", "LeakyReLU(negative_slope=0.01)", "x where x > 0, else slope·x, as a layer.", example: "LeakyReLU(0.2)", topic: "layers") { args, _ throws(CellError) in
            try args.accept(keywords: ["negative_slope"], maxPositional: 1)
            return .module(LeakyReLU(Float(try args.number(0, "negative_slope", default: 0.01))))
        },
        define("Dropout", "Dropout(p=0.5)", "In training, zeroes each value with probability p (and scales the rest).", example: "Dropout(0.25)", topic: "layers") { args, interp throws(CellError) in
            try args.accept(keywords: ["p"], maxPositional: 1)
            let p = try args.number(0, "p", default: 0.5)
            guard p >= 0 && p < 1 else { throw CellError(.value, "p must be in [0, 1)", at: args.range) }
            return .module(Dropout(Float(p), using: &interp.generator))
        },
        define("Flatten", "Flatten(start_dim=1)", "[batch, a, b, …] → [batch, a·b·…].", example: "Flatten()", topic: "layers") { args, _ throws(CellError) in
            try args.accept(keywords: ["start_dim"], maxPositional: 1)
            return .module(Flatten(startDim: try nonNegative(args, 0, "start_dim", default: 1)))
        },
        define("Unflatten", "Unflatten(shape)", "[batch, n] → [batch] + shape.", example: "Unflatten([128, 7, 7])", topic: "layers") { args, _ throws(CellError) in
            try args.accept(keywords: ["shape"], maxPositional: 8)
            return .module(Unflatten(try args.shape(from: 0, name: "shape")))
        },
        define(
            "Sequential", "Sequential(layer, layer, …)", "Layers applied one after the other.",
            example: "net = Sequential(Linear(784, 128), ReLU(), Linear(128, 10))", topic: "layers"
        ) { args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 64)
            var layers: [Module] = []
            for (v, r) in args.positional {
                guard case .module(let m) = v else { throw CellError(.type, "Sequential takes layers, got \(v.typeName)", at: r) }
                layers.append(m)
            }
            return .module(Sequential(layers))
        },
        loss("mse_loss", "mean((pred − target)²).", example: "mse_loss(pred, y)") { p, t in Loss.mse(p, t) },
        loss("bce_loss", "Binary cross-entropy on probabilities in [0, 1].", example: "bce_loss(sigmoid(logits), labels)") { p, t in Loss.bce(p, t) },
        loss("bce_with_logits", "Binary cross-entropy on logits, numerically stable (the GAN's loss).", example: "bce_with_logits(D(x), ones(64))") { p, t in
            Loss.bceWithLogits(p, t)
        },
        classLoss("cross_entropy", "Cross-entropy from logits [batch, classes] and class indices [batch].", example: "cross_entropy(net(x), y)") { p, t in
            Loss.crossEntropy(p, t)
        },
        classLoss("nll_loss", "Negative log-likelihood from log-probabilities [batch, classes] and class indices.", example: "nll_loss(log_softmax(z, dim=1), y)") { p, t in
            Loss.nll(p, t)
        },
        define("accuracy", "accuracy(logits, target)", "The fraction of rows whose largest logit is the target class.", example: "accuracy(net(x), y)", topic: "losses") { args, _ throws(CellError) in
            try args.accept(keywords: ["logits", "target"], maxPositional: 2)
            let (logits, target) = try classArguments(args)
            return .number(Double(Loss.accuracy(logits.value, target)))
        },
        define(
            "SGD", "SGD(params, lr, momentum=0, weight_decay=0)", "Stochastic gradient descent: p -= lr·grad (with momentum: a running sum).",
            example: "opt = SGD(net.parameters(), lr=0.1)", topic: "optimizers"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["params", "lr", "momentum", "weight_decay"], maxPositional: 4)
            let sgd = SGD(
                try parameters(args), learningRate: Float(try learningRate(args)),
                momentum: Float(try args.number(2, "momentum", default: 0)), weightDecay: Float(try args.number(3, "weight_decay", default: 0)))
            sgd.isFrozen = interp.settings.learningFrozen
            return .optimizer(sgd)
        },
        define(
            "Adam", "Adam(params, lr=0.001, betas=[0.9, 0.999], eps=1e-8, weight_decay=0)", "Adam: steps scaled by running averages of the gradient and its square.",
            example: "opt = Adam(net.parameters(), lr=2e-4, betas=[0.5, 0.999])", topic: "optimizers"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["params", "lr", "betas", "eps", "weight_decay"], maxPositional: 2)
            var betas: (Float, Float) = (0.9, 0.999)
            if let (v, r) = args.value(nil, "betas") {
                guard case .list(let b) = v, b.count == 2, let b1 = b[0].asNumber, let b2 = b[1].asNumber, b1 >= 0, b1 < 1, b2 >= 0, b2 < 1 else {
                    throw CellError(.value, "betas must be a list of two numbers in [0, 1)", at: r)
                }
                betas = (Float(b1), Float(b2))
            }
            let adam = Adam(
                try parameters(args), learningRate: Float(try args.number(1, "lr", default: 1e-3)), betas: betas,
                eps: Float(try args.number(nil, "eps", default: 1e-8)), weightDecay: Float(try args.number(nil, "weight_decay", default: 0)))
            adam.isFrozen = interp.settings.learningFrozen
            return .optimizer(adam)
        },
    ]

    static func positive(_ args: Arguments, _ index: Int?, _ name: String, default d: Int? = nil) throws(CellError) -> Int {
        try args.int(index, name, default: d, in: 1...Interpreter.maximumElements)
    }

    static func nonNegative(_ args: Arguments, _ index: Int?, _ name: String, default d: Int = 0) throws(CellError) -> Int {
        try args.int(index, name, default: d, in: 0...Interpreter.maximumElements)
    }

    static func learningRate(_ args: Arguments) throws(CellError) -> Double {
        let lr = try args.number(1, "lr")
        guard lr >= 0, lr.isFinite else { throw CellError(.value, "lr must be a number ≥ 0", at: args.range) }
        return lr
    }

    /// `params`: a model (all its parameters), or a list of tensors that require grad.
    static func parameters(_ args: Arguments) throws(CellError) -> [(name: String, variable: Variable)] {
        let (v, r) = try args.required(0, "params")
        switch v {
        case .module(let m): return m.namedParameters()
        case .tensor(let t) where t.requiresGrad && t.isLeaf: return [("p0", t)]
        case .list(let items):
            var out: [(name: String, variable: Variable)] = []
            for (i, item) in items.enumerated() {
                guard case .tensor(let t) = item, t.requiresGrad, t.isLeaf else {
                    throw CellError(.type, "item \(i) of params is not a tensor created with requires_grad=True", at: r)
                }
                out.append(("p\(i)", t))
            }
            return out
        default:
            throw CellError(.type, "params must be a model or a list of tensors that require grad, got \(v.typeName)", at: r)
        }
    }

    static func simpleLayer(_ name: String, _ summary: String, _ make: @escaping () -> Module) -> Builtin {
        define(name, "\(name)()", summary, example: "\(name)()", topic: "layers") { args, _ throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            return .module(make())
        }
    }

    static func loss(_ name: String, _ summary: String, example: String, _ f: @escaping (Variable, Variable) -> Variable) -> Builtin {
        define(name, "\(name)(input, target)", summary, example: example, topic: "losses") { args, _ throws(CellError) in
            try args.accept(keywords: ["input", "target"], maxPositional: 2)
            let p = try args.tensor(0, "input"), t = try args.tensor(1, "target")
            guard p.shape == t.shape || p.value.count == t.value.count && p.shape.filter({ $0 != 1 }) == t.shape.filter({ $0 != 1 }) else {
                throw CellError(.shape, "\(name) needs input and target of one shape, got \(describe(p.shape)) and \(describe(t.shape))", at: args.range)
            }
            return .tensor(f(p, p.shape == t.shape ? t : t.reshaped(p.shape)))
        }
    }

    static func classArguments(_ args: Arguments) throws(CellError) -> (Variable, Tensor) {
        let p = try args.tensor(0, args.function == "accuracy" ? "logits" : "input"), t = try args.tensor(1, "target")
        guard p.value.rank == 2, t.value.rank == 1, t.shape[0] == p.shape[0] else {
            throw CellError(.shape, "\(args.function) needs [batch, classes] and [batch] class indices, got \(describe(p.shape)) and \(describe(t.shape))", at: args.range)
        }
        guard t.value.scalars.allSatisfy({ $0 >= 0 && $0 < Float(p.shape[1]) && $0 == $0.rounded() }) else {
            throw CellError(.value, "targets must be class indices 0…\(p.shape[1] - 1)", at: args.value(1, "target")?.range ?? args.range)
        }
        return (p, t.value)
    }

    static func classLoss(_ name: String, _ summary: String, example: String, _ f: @escaping (Variable, Tensor) -> Variable) -> Builtin {
        define(name, "\(name)(input, target)", summary, example: example, topic: "losses") { args, _ throws(CellError) in
            try args.accept(keywords: ["input", "target"], maxPositional: 2)
            let (p, t) = try classArguments(args)
            return .tensor(f(p, t))
        }
    }
}
