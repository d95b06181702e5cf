import Autograd
import CellLanguage
import NN
import TensorCore
import TextPlot

extension Builtins {
    static let pictureBuiltins: [Builtin] = [
        define(
            "show", "show(x, scale=1, columns=None, captions=None)",
            "Draws a tensor as a picture: [H, W] or [1, H, W] one image, [N, 1, H, W] or [N, H, W] a grid. A batch [images, labels] (what data.batch returns) is captioned with its labels; captions= a list or tensor, one per image, or \"positions\" for 0, 1, ….",
            example: "show(data.batch(8))", topic: "pictures"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["x", "scale", "columns", "captions"], maxPositional: 1)
            var (picture, pictureRange) = try args.required(0, "x")
            // A batch as data.batch returns it: the images, captioned with their labels.
            var batchLabels: Value?
            if case .list(let pair) = picture, pair.count == 2, case .tensor(let images) = pair[0], images.value.rank >= 3,
                case .tensor(let labels) = pair[1], labels.value.rank == 1
            {
                (picture, batchLabels) = (pair[0], pair[1])
            }
            let x = try Interpreter.asTensor(picture, at: pictureRange, what: "x").value
            let images = try grayImages(x, at: args.range)
            // A terminal picture wider than any screen helps nobody: 1–16 cells per pixel.
            let scale = try args.count(nil, "scale", default: 1, from: 1, max: 16)
            try Interpreter.checkBudget([images.count, images[0].width * scale, images[0].height * scale], at: args.range)
            let style = interp.display.style
            if images.count == 1 {
                interp.emit(ImageRenderer.canvas(images[0], scale: scale, maxWidth: interp.display.width, style: style))
            } else {
                let columns = try args.count(nil, "columns", default: max(1, interp.display.width / (images[0].width * scale + 1)), from: 1, max: 1000)
                let captions = try Builtins.captions(args, count: images.count, labels: batchLabels.map { ($0, pictureRange) })
                interp.emit(GridRenderer.canvas(images, captions: captions, columns: columns, scale: scale, style: style))
            }
            return .none
        },
        define(
            "plot", "plot(values, …, x=None, xlabel=\"\", ylabel=\"\", log=False, names=None)",
            "A line chart of one or more lists or 1-D tensors (loss curves). x= gives each point's x value (the axis then reads them, not the positions 0, 1, …); xlabel= and ylabel= name the axes.",
            example: "ws = linspace(-1, 7, 41); plot((ws - 3) ** 2, x=ws, xlabel=\"w\", ylabel=\"loss\")", topic: "pictures"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["log", "height", "names", "x", "xlabel", "ylabel"], maxPositional: 8)
            var series: [Series] = []
            var xAxis = ""
            for (i, (v, r)) in args.positional.enumerated() {
                if case .object(let o) = v, let provider = o as? SeriesProvider {
                    series += provider.series()
                    if xAxis.isEmpty { xAxis = provider.xAxis }
                    continue
                }
                series.append(Series(args.positional.count > 1 ? "series \(i)" : "", try numbers(v, at: r)))
            }
            if let (v, r) = args.value(nil, "names") {
                guard case .list(let names) = v, names.count == series.count else { throw CellError(.value, "names needs one name per series", at: r) }
                for i in series.indices { if case .string(let s) = names[i] { series[i].name = s } }
            }
            guard !series.isEmpty else { throw CellError(.type, "plot() needs at least one list of values", at: args.range) }
            let height = try args.count(nil, "height", default: 12, from: 1, max: 200)
            var xs: [Double]?
            if let (v, r) = args.value(nil, "x") {
                let values = try numbers(v, at: r)
                let longest = series.map(\.values.count).max() ?? 0
                guard values.count == longest else {
                    throw CellError(.value, "x needs one value per point: \(longest), got \(values.count)", at: r)
                }
                guard values.allSatisfy(\.isFinite) else { throw CellError(.value, "x values must be finite numbers", at: r) }
                xs = values
            }
            interp.emit(
                LineChart.canvas(
                    series, width: min(interp.display.width, 100), height: height,
                    logScale: try args.bool(nil, "log", default: false),
                    xLabel: try args.string(nil, "xlabel", default: xAxis), yLabel: try args.string(nil, "ylabel", default: ""),
                    x: xs, style: interp.display.style))
            return .none
        },
        define(
            "hist", "hist(x, bins=60)", "A histogram of a tensor's values (weights, gradients, activations).",
            example: "hist(layer.weight)", topic: "pictures"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["x", "bins", "height"], maxPositional: 2)
            let x = try args.tensor(0, "x").value
            guard x.count > 0 else { throw CellError(.value, "hist of an empty tensor", at: args.range) }
            interp.emit([tensorSummary(shape: x.shape, values: x.scalars, charset: interp.display.style.charset)])
            // One column per bin: bins sets the chart's width (the count axis takes a few more columns).
            let bins = try args.count(1, "bins", default: min(interp.display.width - 8, 60), from: 1, max: 1000)
            interp.emit(
                Histogram.canvas(
                    x.scalars.map(Double.init), width: min(bins, interp.display.width - 8) + String(x.count).count + 1,
                    height: try args.count(nil, "height", default: 10, from: 1, max: 200), style: interp.display.style))
            return .none
        },
        define(
            "heatmap", "heatmap(x)", "A matrix as coloured cells (blue negative, red positive), with its scale. [k, k] filters too.",
            example: "heatmap(conv.weight[0, 0])", topic: "pictures"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["x"], maxPositional: 1)
            var x = try args.tensor(0, "x").value
            while x.rank > 2 && x.shape[0] == 1 { x = x.squeezed(axis: 0) }
            if x.rank == 1 { x = x.unsqueezed(axis: 0) }
            guard x.rank == 2 else { throw CellError(.shape, "heatmap takes a matrix [rows, cols], got \(describe(x.shape))", at: args.range) }
            guard x.shape[1] * 2 <= max(interp.display.width, 40) * 4, x.shape[0] <= 200 else {
                throw CellError(.shape, "a \(x.shape[0])×\(x.shape[1]) matrix is too big to draw; slice it first", at: args.range)
            }
            interp.emit(Heatmap.canvas(rows: x.shape[0], cols: x.shape[1], values: x.scalars.map(Double.init), style: interp.display.style))
            return .none
        },
        define(
            "graph", "graph(x)", "The computation graph behind a tensor: each operation with its shape, value and gradient.",
            example: "loss = (w * x - y).pow(2).sum(); backward(loss); graph(loss)", topic: "pictures"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["x"], maxPositional: 1)
            let x = try args.tensor(0, "x")
            let nodes = x.graph()
            guard nodes.count <= 400 else { throw CellError(.limit, "this graph has \(nodes.count) nodes; graph() draws at most 400", at: args.range) }
            let charset = interp.display.style.charset
            // Name nodes by the session variables that hold them (w, x, loss…).
            var names: [ObjectIdentifier: String] = [:]
            for (name, value) in interp.variables where name != "_" {
                if case .tensor(let t) = value { names[ObjectIdentifier(t)] = names[ObjectIdentifier(t)].map { min($0, name) } ?? name }
            }
            let order = x.topologicalOrder()
            let rows = nodes.map { n -> [String] in
                let name = names[ObjectIdentifier(order[n.id])] ?? n.label ?? (n.op == "leaf" ? (order[n.id].requiresGrad ? "input" : "const") : "")
                let inputs = n.inputs.isEmpty ? "" : "(" + n.inputs.map { "#\($0)" }.joined(separator: ", ") + ")"
                return [
                    "#\(n.id)", n.op + inputs, name, describe(n.shape), brief(n.value, charset: charset),
                    n.grad.map { brief($0, charset: charset) } ?? "—",
                ]
            }
            interp.emit(Table.render(headers: ["node", "op", "name", "shape", "value", "grad"], rows: rows, charset: charset))
            return .none
        },
        define(
            "save_png", "save_png(x, path, scale=4, overwrite=False)",
            "Writes a tensor as a PNG: one image, a grid of images, or (signed matrix) a heatmap. It replaces only a PNG file; overwrite=True replaces any file.",
            example: "save_png(samples, \"samples.png\")", topic: "pictures"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["x", "path", "scale", "overwrite"], maxPositional: 3)
            let overwrite = try args.bool(nil, "overwrite", default: false)
            let x = try args.tensor(0, "x").value
            let name = try args.string(1, "path")
            let path = interp.resolve(name)
            guard path.hasSuffix(".png") else { throw CellError(.value, "the file name must end in .png", at: args.value(1, "path")?.range) }
            let scale = try args.count(2, "scale", default: 4, from: 1, max: 64)
            let image: RGBImage
            if x.rank == 2, x.scalars.contains(where: { $0 < 0 }), x.shape[0] <= 64, x.shape[1] <= 64 {
                try Interpreter.checkBudget([3, x.shape[0] * scale * 4, x.shape[1] * scale * 4], at: args.range)
                image = RGBImage.heatmap(rows: x.shape[0], cols: x.shape[1], values: x.scalars.map(Double.init), scale: scale * 4)
            } else {
                let images = try grayImages(x, at: args.range)
                try Interpreter.checkBudget([3, images.count, images[0].width * scale, images[0].height * scale], at: args.range)
                image = images.count == 1 ? RGBImage(images[0], scale: scale) : RGBImage.grid(images, columns: 8, scale: scale)
            }
            let isPNG: (String) -> Bool = { PNG.hasSignature((try? RegularFile.head($0, bytes: 8)) ?? []) }
            // The same atomic writer as every file, with its own error (not a checkpoint's).
            do throws(FileProblem) { try AtomicFile.write(PNG.encode(image), to: path, kind: "PNG file", mayReplace: overwrite ? nil : isPNG) } catch {
                throw CellError(.value, error.message, at: args.range)
            }
            interp.emit(["wrote \(name) (\(image.width)×\(image.height) pixels)"])
            return .none
        },
    ]

    /// `[H, W]`, `[1, H, W]`, `[N, H, W]`, `[N, 1, H, W]` as grey images.
    static func grayImages(_ x: Tensor, at range: SourceRange) throws(CellError) -> [GrayImage] {
        var t = x
        if t.rank == 4 {
            guard t.shape[1] == 1 else { throw CellError(.shape, "show() draws one channel: got \(describe(t.shape)); pick one, e.g. x[:, 0]", at: range) }
            t = t.reshaped([t.shape[0], t.shape[2], t.shape[3]])
        }
        if t.rank == 2 { t = t.unsqueezed(axis: 0) }
        guard t.rank == 3, t.count > 0 else { throw CellError(.shape, "show() takes [H, W], [N, H, W] or [N, 1, H, W], got \(describe(x.shape))", at: range) }
        guard t.shape[0] <= 256 else { throw CellError(.limit, "show() draws at most 256 images; got \(t.shape[0]) — slice, e.g. x[:16]", at: range) }
        let (n, h, w) = (t.shape[0], t.shape[1], t.shape[2])
        return (0..<n).map { i in GrayImage(width: w, height: h, pixels: t.scalars[(i * h * w)..<((i + 1) * h * w)].map(Double.init)) }
    }

    /// A list of numbers or a tensor as [Double] (for plot).
    static func numbers(_ v: Value, at range: SourceRange) throws(CellError) -> [Double] {
        switch v {
        case .tensor(let t): return t.value.scalars.map(Double.init)
        case .list(let items):
            var out: [Double] = []
            for item in items {
                switch item {
                case .number(let x): out.append(x)
                case .tensor(let t) where t.value.count == 1: out.append(Double(t.value.scalars[0]))
                case .none: out.append(.nan)
                default: throw CellError(.type, "plot takes numbers, found a \(item.typeName) in the list", at: range)
                }
            }
            return out
        default: throw CellError(.type, "plot takes a list of numbers or a tensor, got \(v.typeName)", at: range)
        }
    }

    /// A tensor in a few characters: the value when it is one number, else the summary's range.
    static func brief(_ t: Tensor, charset: Charset) -> String {
        if t.count == 1 { return formatNumber(Double(t.scalars[0])) }
        if t.count <= 4 { return "[" + t.scalars.map { formatNumber(Double($0)) }.joined(separator: ", ") + "]" }
        let lo = t.scalars.min() ?? 0, hi = t.scalars.max() ?? 0
        return (charset == .unicode ? "∈[" : "in [") + formatNumber(Double(lo)) + ", " + formatNumber(Double(hi)) + "]"
    }
}

extension Builtins {
    /// show's captions: `captions=[…]` or a 1-D tensor, one number or string per image (at most 12
    /// characters each); `captions="positions"` numbers the images 0, 1, …; without either, a batch's
    /// `labels`, else none. (Numbers under unlabelled digits read as their labels: a grid of a 2, a 5 and
    /// a 3 captioned 0 1 2 misled learners.)
    static func captions(_ args: Arguments, count: Int, labels: (Value, SourceRange)? = nil) throws(CellError) -> [String] {
        guard let (v, r) = args.value(nil, "captions") ?? labels else { return [] }
        if case .string("positions") = v { return (0..<count).map(String.init) }
        var items: [Value]
        switch v {
        case .list(let list): items = list
        case .tensor(let t) where t.value.rank == 1: items = t.value.scalars.map { .number(Double($0)) }
        default: throw CellError(.type, "captions needs a list or a 1-D tensor of \(count) captions, or \"positions\"; got \(v.typeName)", at: r)
        }
        guard items.count == count else {
            throw CellError(.value, "captions needs \(count) captions, one per image; got \(items.count)", at: r)
        }
        var out: [String] = []
        for item in items {
            switch item {
            case .number(let x): out.append(Interpreter.number(x))
            case .string(let s): out.append(String(s.prefix(12)))
            case .tensor(let t) where t.value.count == 1: out.append(Interpreter.number(Double(t.value.scalars[0])))
            default: throw CellError(.type, "a caption is a number or a string, got \(item.typeName)", at: r)
            }
        }
        return out
    }
}
