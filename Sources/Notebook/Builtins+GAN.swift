import CellLanguage
import Datasets
import Foundation
import GANLab
import NN
import TensorCore
import TextPlot

extension Builtins {
    static let ganBuiltins: [Builtin] = [
        define(
            "GAN", "GAN(arch=\"dcgan\", data=None, batch=64, lr=2e-4, lr_d=None, betas=[0.5, 0.999], k=1, smooth=1.0, preset=None, conditional=False, seed=0)",
            "A GAN to train: the reference DCGAN (or \"mlp\") on MNIST (or data=fashion()). k: D steps per G step; smooth: D's target for real images; preset: \"strong_d\" (D overpowers G) or \"collapse\" (the MLP with G 10× faster than D at batch 16: digits go missing) to see failures. conditional=True: G and D are told the digit (a one-hot label behind z, label planes behind the image), so gan.sample(8, digit=7) draws sevens.",
            example: "gan = GAN(batch=16)", topic: "gan"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["arch", "data", "batch", "lr", "lr_d", "betas", "k", "smooth", "preset", "conditional", "seed"], maxPositional: 0)
            let archName = try args.string(nil, "arch", default: "dcgan")
            guard var arch = GANArchitecture(rawValue: archName) else { throw CellError(.value, "arch is \"dcgan\" or \"mlp\"", at: args.range) }
            let data = try Builtins.dataset(args, interp)
            var batch: Int
            do throws(CellError) {
                batch = try args.count(
                    nil, "batch", default: 64, from: GANCheckpointSettings.batchRange.lowerBound,
                    max: min(GANCheckpointSettings.batchRange.upperBound, data.train.count))
            } catch {
                throw CellError(error.kind, error.message, at: error.range, hint: "at least 2: BatchNorm needs two images to measure a spread")
            }
            var lr = try args.number(nil, "lr", default: 2e-4)
            var lrD = args.value(nil, "lr_d") == nil ? lr : try args.number(nil, "lr_d")
            var k = try args.int(nil, "k", default: 1, in: GANCheckpointSettings.dStepsRange)  // what a checkpoint may hold too
            let smooth = try args.number(nil, "smooth", default: 1)
            guard smooth > 0.5 && smooth <= 1 else { throw CellError(.value, "smooth is D's target for real images, in (0.5, 1]", at: args.range) }
            var betas: (Float, Float) = (0.5, 0.999)
            if let (v, r) = args.value(nil, "betas") {
                guard case .list(let b) = v, b.count == 2, let b1 = b[0].asNumber, let b2 = b[1].asNumber,
                    (0..<1).contains(b1), (0..<1).contains(b2)
                else { throw CellError(.value, "betas must be two numbers in [0, 1)", at: r) }
                betas = (Float(b1), Float(b2))
            }
            // Failure on demand: settings known to go wrong, to see the symptoms.
            switch try args.string(nil, "preset", default: "") {
            case "": break
            case "strong_d": lrD = lr * 10; k = 5  // D wins: its loss → 0, G's gradient fades
            // G outruns D and settles on a few digits. The DCGAN resists: BatchNorm in D lets it see a
            // whole batch's statistics, so a batch of look-alikes stands out (G at 5e-3 against D's
            // 2e-4 for 400 steps kept every digit above 5%). The MLP, without BatchNorm, loses digits:
            // 3,000 steps, seeds 0, 1, 2: two or three digits under 1%, scores 3.6–4.0 (judged by
            // lesson 3's classifier; the MLP at G 1e-3, batch 64 kept all ten and scored 6.3). After
            // 1,500 steps (lesson 5 now), seeds 2, 3: a digit at 0–0.1%, scores 3.9–4.1, against
            // 5.0–5.4 for lesson 5's cure (G 1e-3, D 5e-4, batch 32).
            case "collapse": arch = .mlp; lr = 2e-3; lrD = 2e-4; batch = min(batch, 16)
            default: throw CellError(.value, "preset is \"strong_d\" or \"collapse\"", at: args.range)
            }
            guard lr > 0, lrD > 0, lr < 1, lrD < 1 else { throw CellError(.value, "learning rates must be in (0, 1)", at: args.range) }
            let conditional = try args.bool(nil, "conditional", default: false)
            if conditional, arch != .dcgan {
                throw CellError(.value, "conditional=True is a DCGAN: leave out arch=\"mlp\" and preset=\"collapse\"", at: args.range)
            }
            let seed = try args.seed(nil, default: interp.seed)
            let gan = GANTrainer(
                architecture: arch, dataset: data, batchSize: batch, learningRateD: Float(lrD), learningRateG: Float(lr),
                betas: betas, dSteps: k, realLabel: Float(smooth), seed: seed, conditional: conditional)
            gan.pair.freezeLearning(interp.settings.learningFrozen)
            return .object(gan)
        },
        define(
            "load_gan", "load_gan(path, data=None, or_train=None)",
            "A GAN saved with gan.save(), ready to continue exactly where it stopped. or_train=N: when there is no such file, a fresh GAN(), trained N steps now (nothing is saved).",
            example: "gan = load_gan(\"digits.safetensors\")", topic: "gan"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["path", "data", "or_train"], maxPositional: 1)
            let name = try args.string(0, "path")
            let path = interp.resolve(name)
            if args.value(nil, "or_train") != nil, !FileManager.default.fileExists(atPath: path) {
                let steps = try args.count(nil, "or_train", from: 1, max: 100_000)
                return .object(try trainStandIn(for: name, steps: steps, args, interp))
            }
            func failure(_ error: CheckpointError) -> CellError {
                CellError(.value, error.message, at: args.range, hint: "save one first with gan.save(\"\(name)\")")
            }
            let checkpoint: (tensors: [(name: String, tensor: Tensor)], metadata: [String: String])
            do throws(CheckpointError) { checkpoint = try SafeTensors.load(path) } catch { throw failure(error) }
            let dataset: ImageDataset
            if let (v, _) = args.value(nil, "data"), case .dataset(let d) = v {
                dataset = d
            } else {
                // The dataset it was trained on, as recorded in the file (MNIST if the file does not say).
                let name = checkpoint.metadata["dataset"].flatMap(DatasetName.init(rawValue:)) ?? .mnist
                dataset = try interp.loadDataset(name, at: args.range)
            }
            do throws(CheckpointError) {
                let gan = try GANTrainer.restore(checkpoint.tensors, metadata: checkpoint.metadata, from: path, dataset: dataset)
                gan.pair.freezeLearning(interp.settings.learningFrozen)
                interp.emit(["loaded a GAN at step \(gan.steps) from \(name)"])
                return .object(gan)
            } catch {
                throw failure(error)
            }
        },
    ]
}

extension Builtins {
    /// The settings `coins_game` and `coins_games` share: bag size, both learning rates, k, a preset.
    static func coinSettings(_ args: Arguments) throws(CellError) -> (coins: Int, lrG: Float, lrD: Float, k: Int) {
        let coins = try args.count(nil, "coins", default: 32, from: 2, max: 1024)
        var lrG = try args.number(nil, "counterfeiter_lr", default: 2e-3), lrD = try args.number(nil, "treasurer_lr", default: 2e-3)
        var k = try args.count(nil, "k", default: 1, from: 1, max: 100)
        switch try args.string(nil, "preset", default: "") {
        case "": break
        case "fast_treasurer": lrD *= 10; k = max(k, 3)  // the treasurer wins: nothing gets through, the counterfeiter learns slowly
        case "slow_treasurer": lrD /= 100  // a treasurer who barely learns teaches nothing: the fakes stay far off
        case "collapse": lrG *= 10; lrD /= 5  // the counterfeiter overshoots and mints one kind of coin
        default: throw CellError(.value, "preset is \"fast_treasurer\", \"slow_treasurer\" or \"collapse\"", at: args.range)
        }
        guard lrG > 0, lrD > 0, lrG < 1, lrD < 1 else { throw CellError(.value, "learning rates must be in (0, 1)", at: args.range) }
        return (coins, Float(lrG), Float(lrD), k)
    }

    static let coinBuiltins: [Builtin] = [
        define(
            "coins_game", "coins_game(coins=32, counterfeiter_lr=0.002, treasurer_lr=0.002, k=1, preset=None, seed=None)",
            "The counterfeiter and the treasurer: a small GAN over coins (shape, colour, picture, face). preset: \"fast_treasurer\", \"slow_treasurer\", \"collapse\". The seed is the session's unless given.",
            example: "game = coins_game(); game.round()", topic: "gan"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["coins", "counterfeiter_lr", "treasurer_lr", "k", "preset", "seed"], maxPositional: 0)
            let s = try coinSettings(args)
            let seed = try args.seed(nil, default: interp.seed)
            let game = CoinGame(seed: seed, coins: s.coins, counterfeiterLR: s.lrG, treasurerLR: s.lrD, treasurerSteps: s.k)
            game.freezeLearning(interp.settings.learningFrozen)
            return .object(game)
        },
        define(
            "coins_games", "coins_games(n=8, coins=32, counterfeiter_lr=0.002, treasurer_lr=0.002, k=1, preset=None)",
            "n coin games with the same settings and different seeds, played side by side: one game is chance, a tendency over games is a fact. Game i has seed (session seed) × n + i.",
            example: "games = coins_games(8, preset=\"collapse\"); games.rounds(300)", topic: "gan"
        ) { args, interp throws(CellError) in
            try args.accept(keywords: ["n", "coins", "counterfeiter_lr", "treasurer_lr", "k", "preset"], maxPositional: 1)
            let n = try args.count(0, "n", default: 8, from: 1, max: 64)
            let s = try coinSettings(args)
            let games = CoinGames(count: n, baseSeed: interp.seed, coins: s.coins, counterfeiterLR: s.lrG, treasurerLR: s.lrD, treasurerSteps: s.k)
            for game in games.games { game.freezeLearning(interp.settings.learningFrozen) }
            return .object(CoinGamesObject(games))
        },
    ]
}

extension Builtins {
    /// `load_gan(name, or_train=steps)` without the file: a fresh `GAN()` (DCGAN, batch 64, the
    /// session's seed), trained `steps` steps now, with a line before and after. Ctrl-C stops it cleanly.
    static func trainStandIn(for name: String, steps: Int, _ args: Arguments, _ interp: Interpreter) throws(CellError) -> GANTrainer {
        let data = try Builtins.dataset(args, interp)
        let gan = GANTrainer(
            architecture: .dcgan, dataset: data, batchSize: 64, learningRateD: 2e-4, learningRateG: 2e-4, betas: (0.5, 0.999),
            dSteps: 1, realLabel: 1, seed: interp.seed)
        gan.pair.freezeLearning(interp.settings.learningFrozen)
        interp.emit(["no \(name) here (lesson 5 saves it): training a GAN(batch=64) for \(steps) steps instead…"])
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps {
            if interp.stopRequested { break }
            _ = gan.step()
        }
        if gan.steps < steps {
            try interp.checkInterrupt(at: args.range)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        interp.emit(["trained \(gan.steps) steps in \(formatFixed(seconds, decimals: 1)) s; gan.save(\"\(name)\") keeps it"])
        return gan
    }
}

extension Builtins {
    /// The `data=` argument of `GAN` and `load_gan(or_train=)`: `mnist()` or `fashion()`, MNIST when left out.
    static func dataset(_ args: Arguments, _ interp: Interpreter) throws(CellError) -> ImageDataset {
        guard let (v, r) = args.value(nil, "data") else { return try interp.loadDataset(.mnist, at: args.range) }
        guard case .dataset(let d) = v else { throw CellError(.type, "data must be mnist() or fashion(), got \(v.typeName)", at: r) }
        return d
    }
}
