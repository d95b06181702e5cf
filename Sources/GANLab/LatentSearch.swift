import Autograd
import NN
import TensorCore

/// Restoring a partly hidden picture with a trained G: look for the noise z whose drawing G(z) matches
/// the pixels that are still *visible*, then read the hidden ones off the drawing (the idea of "semantic
/// image inpainting", Yeh et al. 2017). G stays frozen; only z moves, by gradient descent (Adam) on
///
///     loss(z) = Σ mask · (G(z) − picture)² / Σ mask  +  prior · mean(z²)  [+ realism · bce(D(G(z)), 1)]
///
/// The first term is the squared error on the visible pixels; the second pulls z back towards the
/// N(0, 1) noise G was trained on (mean(z²) ≈ 1 there), so the search does not wander off to a z that
/// fits the visible pixels with a drawing G never learned to make. The loss has many valleys, so the
/// search starts from several random z at once (restarts) and keeps, per picture, the one that fits
/// the visible pixels best — never the hidden ones, which it does not know.
public enum LatentSearch {
    public struct Settings: Sendable {
        public var steps: Int
        public var restarts: Int
        public var learningRate: Float
        public var prior: Float
        public var seed: UInt64
        /// The weight of D's verdict in the loss: realism · bce(D(G(z)), 1) per picture (0: D is not asked).
        public var realism: Float = 0
        /// How many random drawings of G the starts are picked from: each picture's search starts from the
        /// `restarts` of them whose visible pixels are closest to its own (0: from random noise).
        public var candidates: Int = 0
        /// How many of each picture's best-fitting starts are averaged into its drawing (1: the best alone).
        public var keep: Int
        public init(steps: Int = 300, restarts: Int = 4, learningRate: Float = 0.05, prior: Float = 0.02, seed: UInt64 = 0, keep: Int = 1) {
            (self.steps, self.restarts, self.learningRate, self.prior, self.seed) = (steps, restarts, learningRate, prior, seed)
            self.keep = min(max(keep, 1), restarts)
        }
    }

    /// What the search found, for n pictures.
    public struct Result {
        /// G's drawing for each picture `[n, 1, 28, 28]` in [−1, 1]: its best start's, or the mean of its `keep` best.
        public let drawings: Tensor
        /// The restored pictures `[n, 1, 28, 28]`: the visible pixels as given, the hidden ones from the drawing.
        public let restored: Tensor
        /// The drawing of each picture's best start alone `[n, 1, 28, 28]`, and the picture restored from it.
        public let best: Tensor
        public let bestRestored: Tensor
        /// The chosen z of each picture `[n, latent]`.
        public let z: Tensor
        /// The visible-pixel error, per restart and step, of picture 0: `errors[r][s]` (for a plot).
        public let errors: [[Double]]
        /// Each picture's final visible-pixel error, of its chosen restart.
        public let finalErrors: [Double]
        /// Which restart each picture kept.
        public let chosen: [Int]
        /// Picture 0's candidate (its chosen restart) at `progressSteps`: `[k, 1, 28, 28]`, step 0 first.
        public let progress: Tensor
        public let progressSteps: [Int]
        /// A conditional G's digit of each picture's best fit (empty for an unconditional G).
        public let digits: [Int]
        /// Steps made (fewer than asked when stopped early).
        public let stepsRun: Int
    }

    /// Per picture, the `keep` of `count` random noise vectors whose drawings are closest to it on its
    /// visible pixels: `[n · keep, latent]`, picture by picture. G must be in evaluation mode.
    static func closestCandidates(
        _ G: Module, latent: Int, classes: Int, count: Int, to pictures: Tensor, masks: Tensor, keep: Int, using g: inout SeededGenerator
    ) -> (z: Tensor, labels: [Int]) {
        let n = pictures.shape[0], pixels = pictures.shape[1...].reduce(1, *)
        let z = Tensor.randn([count, latent], using: &g)
        // A conditional G is asked for every digit in turn, so each digit has count / 10 candidates.
        let labels = classes > 0 ? (0..<count).map { $0 % classes } : []
        var drawings: [Tensor] = []
        for start in stride(from: 0, to: count, by: 256) {
            let rows = Array(start..<min(start + 256, count))
            let input = generatorInput(Variable(z.rows(rows)), classes > 0 ? rows.map { labels[$0] } : [], classes: classes)
            drawings.append(noGrad { G(input) }.value.reshaped([rows.count, pixels]))
        }
        let d = Tensor.concat(drawings).scalars, p = pictures.reshaped([n, pixels]).scalars, m = masks.reshaped([n, pixels]).scalars
        var rows: [Int] = []
        for i in 0..<n {
            var errors = [Float](repeating: 0, count: count)
            for c in 0..<count {
                var e: Float = 0
                for k in 0..<pixels where m[i * pixels + k] != 0 {
                    let diff = d[c * pixels + k] - p[i * pixels + k]
                    e += diff * diff
                }
                errors[c] = e
            }
            rows += (0..<count).sorted { errors[$0] < errors[$1] }.prefix(keep)
        }
        return (z.rows(rows), classes > 0 ? rows.map { labels[$0] } : [])
    }

    /// G's input for noise `z: [m, latent]`: z itself, or for a conditional G (`classes` > 0) z with the
    /// one-hot labels behind it, `[m, latent + classes]`. Differentiable in z.
    static func generatorInput(_ z: Variable, _ labels: [Int], classes: Int) -> Variable {
        guard classes > 0 else { return z }
        return Variable.concat([z, Variable(GANPair.oneHot(labels, classes: classes))], axis: 1)
    }

    /// Searches z for each of `pictures: [n, 1, 28, 28]` in [−1, 1] with `mask: [n or 1, 1, 28, 28]`
    /// (1 = visible, 0 = hidden). A conditional G (`classes` > 0) is searched over its noise *and* the digit:
    /// each start keeps the digit it began with (the candidates ask for every digit in turn; random starts
    /// take restart j's digit as j mod 10), only its z moves. D's realism term is for an unconditional pair. `stopEarly` is asked before every step (Ctrl-C): the result is then the best so far.
    public static func restore(
        generator G: Module, discriminator D: Module? = nil, latent: Int, classes: Int = 0, pictures: Tensor, mask: Tensor,
        settings s: Settings, stopEarly: () -> Bool = { false }
    ) -> Result {
        let n = pictures.shape[0], r = s.restarts, pixels = pictures.shape[1...].reduce(1, *)
        // Row i·r + j is restart j of picture i.
        let masks = mask.shape[0] == n ? mask : Tensor.concat([Tensor](repeating: mask, count: n))
        let repeated = { (t: Tensor) in Tensor.concat((0..<n).flatMap { i in [Tensor](repeating: t.rows([i]), count: r) }) }
        let target = repeated(pictures), visible = repeated(masks)
        let visibleCount = visible.reshaped([n * r, pixels]).sum(axes: [1]).scalars.map { max($0, 1) }
        let weights = Tensor(shape: [n * r, 1, 1, 1], scalars: visibleCount.map { 1 / $0 })

        // G draws in evaluation mode throughout (its running BatchNorm statistics, as gan.sample does):
        // in training mode every drawing would depend on the others in its batch and move those statistics.
        G.eval()
        G.setRequiresGrad(false)
        var g = SeededGenerator(seed: s.seed)
        let starts: (z: Tensor, labels: [Int]) =
            s.candidates > 0
            ? closestCandidates(G, latent: latent, classes: classes, count: s.candidates, to: pictures, masks: masks, keep: r, using: &g)
            : (Tensor.randn([n * r, latent], using: &g), classes > 0 ? (0..<(n * r)).map { $0 % r % classes } : [])
        let labels = starts.labels
        let input = { (z: Variable) in generatorInput(z, labels, classes: classes) }
        let z = Variable(starts.z, requiresGrad: true)
        let optimizer = Adam([("z", z)], learningRate: s.learningRate)
        let judge = s.realism > 0 && classes == 0 ? D : nil
        judge?.eval()
        judge?.setRequiresGrad(false)
        defer {
            G.setRequiresGrad(true)
            G.train()
            judge?.setRequiresGrad(true)
            judge?.train()
        }
        let marks = Set([0, 10, 25, 50, 100, 200, 400, 800].filter { $0 < s.steps } + [s.steps])
        var errors = [[Double]](repeating: [], count: r)
        var snapshots: [(step: Int, z: Tensor)] = []
        var lastErrors = [Float](repeating: 0, count: n * r)
        var stepsRun = 0
        func visibleErrors(_ drawing: Variable) -> (Variable, [Float]) {
            let diff = (drawing - Variable(target)) * Variable(visible)
            let perRow = (diff * diff * Variable(weights)).sum(axes: [1, 2, 3])
            return (perRow, perRow.value.scalars)
        }
        while true {
            if marks.contains(stepsRun) { snapshots.append((stepsRun, z.value)) }
            let drawing = G(input(z))
            let (perRow, e) = visibleErrors(drawing)
            lastErrors = e
            for j in 0..<r { errors[j].append(Double(e[j])) }
            if stepsRun == s.steps || stopEarly() { break }
            optimizer.zeroGrad()
            var loss = perRow.sum() + (z * z).mean(axes: [1]).sum() * s.prior
            if let judge {
                let logits = judge(drawing).reshaped([n * r])
                loss = loss + Loss.bceWithLogits(logits, Variable(.ones([n * r]))) * (s.realism * Float(n * r))
            }
            loss.backward()
            optimizer.step()
            stepsRun += 1
        }
        if snapshots.last?.step != stepsRun { snapshots.append((stepsRun, z.value)) }

        // Per picture, the restarts ranked by how well their drawings fit the visible pixels.
        let ranked = (0..<n).map { i in (0..<r).sorted { lastErrors[i * r + $0] < lastErrors[i * r + $1] } }
        let chosen = ranked.map { $0[0] }
        let rows = chosen.enumerated().map { i, j in i * r + j }
        let bestZ = z.value.rows(rows)
        let all = noGrad { G(input(Variable(z.value))) }.value
        let best = all.rows(rows)
        // Several drawings fit the visible pixels about equally well and differ in the hidden ones. Any one
        // of them is a sharp guess that, when wrong, is wrong twice (a stroke where there is none, none where
        // there is one); their mean is the guess with the smallest expected squared error (it estimates
        // the average of what could be there, given what is visible).
        let drawings =
            s.keep == 1
            ? best
            : Tensor.concat(ranked.enumerated().map { i, order in all.rows(order.prefix(s.keep).map { i * r + $0 }).mean(axes: [0], keepDims: true) })
        let hidden = masks * -1 + 1
        let progressZ = Tensor.concat(snapshots.map { $0.z.rows([rows[0]]) })
        let progressInput = generatorInput(Variable(progressZ), classes > 0 ? [Int](repeating: labels[rows[0]], count: snapshots.count) : [], classes: classes)
        return Result(
            drawings: drawings, restored: pictures * masks + drawings * hidden, best: best, bestRestored: pictures * masks + best * hidden,
            z: bestZ, errors: errors, finalErrors: rows.map { Double(lastErrors[$0]) },
            chosen: chosen, progress: noGrad { G(progressInput) }.value, progressSteps: snapshots.map(\.step),
            digits: classes > 0 ? rows.map { labels[$0] } : [], stepsRun: stepsRun)
    }

    /// `restore`, `chunk` pictures at a time (each picture's search is its own, so the chunks only bound
    /// the memory of one step). Picture 0's errors and progress come from the first chunk; a chunk cut
    /// short by `stopEarly` ends the search, and the pictures after it keep their starting drawings.
    public static func restoreInChunks(
        chunk: Int, generator G: Module, discriminator D: Module? = nil, latent: Int, classes: Int = 0, pictures: Tensor,
        mask: Tensor, settings s: Settings, stopEarly: () -> Bool = { false }
    ) -> Result {
        let n = pictures.shape[0]
        guard n > chunk else { return restore(generator: G, discriminator: D, latent: latent, classes: classes, pictures: pictures, mask: mask, settings: s, stopEarly: stopEarly) }
        var parts: [Result] = []
        var stopped = false
        for start in stride(from: 0, to: n, by: chunk) {
            let rows = Array(start..<min(start + chunk, n))
            var settings = s
            if stopped { settings.steps = 0 }
            let part = restore(
                generator: G, discriminator: D, latent: latent, classes: classes, pictures: pictures.rows(rows),
                mask: mask.shape[0] == 1 ? mask : mask.rows(rows), settings: settings, stopEarly: stopEarly)
            stopped = stopped || part.stepsRun < settings.steps
            parts.append(part)
        }
        let first = parts[0]
        return Result(
            drawings: Tensor.concat(parts.map(\.drawings)), restored: Tensor.concat(parts.map(\.restored)), best: Tensor.concat(parts.map(\.best)),
            bestRestored: Tensor.concat(parts.map(\.bestRestored)), z: Tensor.concat(parts.map(\.z)), errors: first.errors,
            finalErrors: parts.flatMap(\.finalErrors), chosen: parts.flatMap(\.chosen), progress: first.progress, progressSteps: first.progressSteps,
            digits: parts.flatMap(\.digits), stepsRun: parts.map(\.stepsRun).min()!)
    }
}
