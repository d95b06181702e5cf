import Autograd
import CellLanguage
import Datasets
import TensorCore

extension Builtins {
    static let dataBuiltins: [Builtin] = [
        define(
            "mnist", "mnist()", "The MNIST digits (whatever `make data` installed: full MNIST or the 5,000-digit fallback).",
            example: "data = mnist(); show(data.image(0))", topic: "data"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            return .dataset(try interp.loadDataset(.mnist, at: args.range))
        },
        define(
            "fashion", "fashion()", "Fashion-MNIST: 28×28 pictures of clothes in ten classes.",
            example: "data = fashion(); data.classes", topic: "data"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: [], maxPositional: 0)
            return .dataset(try interp.loadDataset(.fashion, at: args.range))
        },
    ]
}

extension Interpreter {
    /// The dataset `mnist()` or `fashion()` returns (loaded once), for a workspace that names it.
    public func dataset(_ name: DatasetName) throws(CellError) -> ImageDataset { try loadDataset(name, at: SourceRange(0, 0)) }

    /// Loads (once) a dataset, or says exactly what to do when it is missing or broken.
    func loadDataset(_ name: DatasetName, at range: SourceRange) throws(CellError) -> ImageDataset {
        if let cached = datasetCache[name] { return cached }
        guard let directory = dataDirectory else { throw CellError(.value, "no data folder is set for this session", at: range) }
        guard let source = directory.source(of: name) else {
            throw CellError(.value, "\(name.title) is not on this machine", at: range, hint: "run `make data` (or `ganbook data fetch`) in a terminal, then try again")
        }
        do {
            let value = ImageDataset(name: name, train: try directory.load(name, .train), test: try directory.load(name, .test), source: source)
            datasetCache[name] = value
            return value
        } catch {
            throw CellError(.value, error.description.replacingOccurrences(of: "error: ", with: ""), at: range)
        }
    }
}

extension ImageDataset {
    /// `data.image(i)`, `data.label(i)`, `data.images(start, end)`, `data.labels(start, end)`, `data.batch(n)`, `data.classes`, sizes.
    static let table = MemberTable<ImageDataset>([
        .property("classes", "data.classes", "The names of the classes, by label.", example: "data.classes", topic: "data") { .list($0.name.classNames.map { .string($0) }) },
        .property("train_size", "data.train_size", "How many training examples.", example: "data.train_size", topic: "data") { .number(Double($0.train.count)) },
        .property("test_size", "data.test_size", "How many test examples.", example: "data.test_size", topic: "data") { .number(Double($0.test.count)) },
        .property("source", "data.source", "Where the files were read from.", example: "data.source", topic: "data") { .string($0.source) },
        .method("image", "image(i, split=\"train\")", "Image i as a [28, 28] tensor of values in [0, 1].", example: "data.image(0)", topic: "data") { d, args, _ throws(CellError) in
            try args.accept(keywords: ["i", "split"], maxPositional: 1)
            let part = try d.split(args)
            let i = try d.index(args, count: part.count)
            return .tensor(Variable(part.imageBatch([i], range: 0...1).reshaped([part.rows, part.cols])))
        },
        .method("label", "label(i, split=\"train\")", "The class of example i.", example: "data.label(0)", topic: "data") { d, args, _ throws(CellError) in
            try args.accept(keywords: ["i", "split"], maxPositional: 1)
            let part = try d.split(args)
            return .number(Double(part.labels[try d.index(args, count: part.count)]))
        },
        .method("images", "images(start, end, split=\"train\")", "Images start..<end as [n, 1, 28, 28] in [0, 1].", example: "data.images(0, 8)", topic: "data") { d, args, _ throws(CellError) in
            try d.range(args, images: true)
        },
        .method("labels", "labels(start, end, split=\"train\")", "Labels start..<end as [n].", example: "data.labels(0, 8)", topic: "data") { d, args, _ throws(CellError) in
            try d.range(args, images: false)
        },
        .method("batch", "batch(n, split=\"train\")", "n random examples: [images [n, 1, 28, 28] in [0, 1], labels [n]].", example: "data.batch(8)", topic: "data") {
            d, args, interp throws(CellError) in
            try args.accept(keywords: ["n", "split"], maxPositional: 1)
            let part = try d.split(args)
            let n = try args.count(0, "n", from: 1, max: part.count)
            let indices = (0..<n).map { _ in Int(interp.generator.next() % UInt64(part.count)) }
            return .list([.tensor(Variable(part.imageBatch(indices, range: 0...1))), .tensor(Variable(part.labelBatch(indices)))])
        },
    ])

    func split(_ args: Arguments) throws(CellError) -> LabeledImages {
        let s = try args.string(nil, "split", default: "train")
        guard s == "train" || s == "test" else { throw CellError(.value, "split is \"train\" or \"test\"", at: args.range) }
        return s == "train" ? train : test
    }

    /// `images(start, end)` or `labels(start, end)` of a split.
    func range(_ args: Arguments, images: Bool) throws(CellError) -> Value {
        try args.accept(keywords: ["start", "end", "split"], maxPositional: 2)
        let part = try split(args)
        let start = try args.int(0, "start", default: 0, in: 0...part.count), end = try args.int(1, "end", default: part.count, in: 0...part.count)
        guard start < end else {
            throw CellError(.value, "start..<end must lie in 0..<\(part.count), got \(start)..<\(end)", at: args.range)
        }
        try Interpreter.checkBudget([end - start, part.rows * part.cols], at: args.range)
        let indices = Array(start..<end)
        return .tensor(Variable(images ? part.imageBatch(indices, range: 0...1) : part.labelBatch(indices)))
    }

    func index(_ args: Arguments, count: Int) throws(CellError) -> Int {
        let (v, r) = try args.required(0, "i")
        return try WholeNumber.index(v, count: count, container: "split", at: r)
    }
}
