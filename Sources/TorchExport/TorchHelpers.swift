/// The Python a script defines before its cells: PyTorch versions of the notebook's own builtins (pictures as
/// PNG files, MNIST from ganbook's own files, safetensors written by hand, ganbook's GAN as `nn.Module`s with
/// its checkpoint names). A script carries only the pieces its cells use; each piece is plain Python that
/// needs nothing beyond torch (matplotlib is used for plots when it is there).
enum TorchHelpers {
    /// The pieces in the order a script defines them, each with the pieces it needs.
    static let pieces: [(name: String, needs: [String], source: String)] = [
        ("prelude", [], #"""
import copy, gzip, json, os, statistics, struct, sys, time, zlib
import torch
import torch.nn as nn
import torch.nn.functional as F

# Quick mode (python3 SCRIPT.py --quick): the short runs ganbook's lessons take with `quick(a, b)`.
QUICK = "--quick" in sys.argv or os.environ.get("GANBOOK_QUICK") == "1"
torch.set_num_threads(int(os.environ.get("GANBOOK_THREADS", "2")))


def quick(quick_value, full_value):
    """quick(a, b): a in quick mode, b otherwise (as in the notebook)."""
    return quick_value if QUICK else full_value


def as_float(v):
    """A comparison as the notebook gives it: a tensor's as 0./1. floats (so .mean() is a share), anything else as it is."""
    return v.float() if torch.is_tensor(v) else v


def reverse(v):
    """v[::-1]: a tensor flipped along its first axis (PyTorch has no negative steps), a list reversed."""
    return v.flip(0) if torch.is_tensor(v) else v[::-1]
"""#),
        ("safetensors", [], #"""


def may_write(path, overwrite=False):
    """A file this script wrote may be replaced; any other only with overwrite=True (it may be the notebook's, or yours)."""
    if overwrite or not os.path.exists(path):
        return True
    try:
        ours = read_safetensors(path)[1].get("written_by") == "ganbook-torch-script"
    except Exception:
        ours = False
    if not ours:
        print(f"{path} exists and this script did not write it: not replacing it (add overwrite=True)")
    return ours


def write_safetensors(path, tensors, metadata=None):
    """tensors: {name: tensor}. The safetensors format (an 8-byte header length, a JSON header, the raw
    little-endian data), written by hand so the script needs nothing beyond torch."""
    kinds = {torch.float32: "F32", torch.int64: "I64", torch.uint8: "U8"}
    header, blobs, offset = {}, [], 0
    header["__metadata__"] = {str(k): str(v) for k, v in dict(metadata or {}, written_by="ganbook-torch-script").items()}
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        if t.dtype not in kinds:
            t = t.float()
        data = bytes(t.clone().untyped_storage())  # raw little-endian bytes, without numpy
        header[name] = {"dtype": kinds[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    os.replace(tmp, path)  # all or nothing: never half a file


def read_safetensors(path):
    """(tensors {name: tensor}, metadata {key: value})."""
    kinds = {"F32": torch.float32, "I64": torch.int64, "F64": torch.float64, "I32": torch.int32, "U8": torch.uint8}
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        buf = bytearray(raw[8 + n + start:8 + n + end])
        out[name] = torch.frombuffer(buf, dtype=kinds[info["dtype"]]).reshape(info["shape"]).clone() if buf else \
            torch.zeros(info["shape"], dtype=kinds[info["dtype"]])
    return out, meta
"""#),
        ("pictures", [], #"""

PICTURES = os.environ.get("GANBOOK_PICTURES", "pictures")
_picture_count = [0]


def _picture_file(kind):
    os.makedirs(PICTURES, exist_ok=True)
    _picture_count[0] += 1
    return os.path.join(PICTURES, f"{_picture_count[0]:03d}-{kind}.png")


def write_png(path, rgb):
    """rgb: uint8 tensor [height, width, 3]. A plain PNG written by hand (zlib only)."""
    h, w, _ = rgb.shape
    rows = b"".join(b"\x00" + bytes(rgb[y].flatten().tolist()) for y in range(h))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def _as_images(x):
    """Whatever show() gets, as [N, H, W] in [0, 1] (a GAN's [-1, 1] mapped there)."""
    if isinstance(x, (list, tuple)):
        x = x[0]
    x = x.detach().float()
    while x.dim() > 3:
        x = x.flatten(0, 1) if x.shape[1] != 1 else x[:, 0]
    if x.dim() == 2:
        x = x[None]
    if x.min() < 0:
        x = (x + 1) / 2
    return x.clamp(0, 1)


def show(x, scale=1, captions=None, columns=None):
    """Images as a PNG grid (the notebook draws them in the terminal)."""
    imgs = _as_images(x)
    n, h, w = imgs.shape
    cols = int(columns or min(n, 8))
    rows = (n + cols - 1) // cols
    grid = torch.zeros(rows * (h + 1), cols * (w + 1))
    for i in range(n):
        r, c = divmod(i, cols)
        grid[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = imgs[i]
    grid = grid.repeat_interleave(int(scale) * 4, 0).repeat_interleave(int(scale) * 4, 1)
    path = _picture_file("show")
    write_png(path, (grid * 255).round().to(torch.uint8)[..., None].repeat(1, 1, 3))
    print(f"[{n} image{'s' if n > 1 else ''}: {path}]")
    if captions is not None:
        print("captions: " + " ".join(str(int(c)) if float(c).is_integer() else str(c) for c in torch.as_tensor(captions).tolist()))


def heatmap(x):
    """A 2-D tensor as colours: blue below 0, white at 0, red above (the notebook's heatmap)."""
    x = x.detach().float()
    while x.dim() > 2:
        x = x[0]
    top = x.abs().max().clamp(min=1e-12)
    v = (x / top).clamp(-1, 1)
    red = torch.where(v < 0, 1 + v, torch.ones_like(v))
    blue = torch.where(v > 0, 1 - v, torch.ones_like(v))
    green = 1 - v.abs()
    rgb = (torch.stack([red, green, blue], dim=-1) * 255).round().to(torch.uint8)
    rgb = rgb.repeat_interleave(16, 0).repeat_interleave(16, 1)
    path = _picture_file("heatmap")
    write_png(path, rgb)
    print(f"[heatmap {list(x.shape)}, from {x.min().item():.3g} to {x.max().item():.3g}: {path}]")


def _series(s):
    return [float(v) for v in (s.detach().flatten().tolist() if torch.is_tensor(s) else s)]


def plot(*series, x=None, names=None, log=False, xlabel=None, ylabel=None):
    """Curves as a PNG with matplotlib when it is installed; otherwise their first and last values."""
    if len(series) == 1 and hasattr(series[0], "loss_D"):  # a GAN's or a coin game's history
        h = series[0]
        names = [n for n in ("loss_D", "loss_G", "acceptance") if hasattr(h, n)]
        series = [getattr(h, n) for n in names]
    ys = [_series(s) for s in series]
    names = names or [f"series {i + 1}" for i in range(len(ys))]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        for name, y in zip(names, ys):
            print(f"{name}: {len(y)} points, first {y[0]:.4g}, last {y[-1]:.4g}, min {min(y):.4g}, max {max(y):.4g}")
        return
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for name, y in zip(names, ys):
        ax.plot(_series(x) if x is not None else range(len(y)), y, label=name)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    if len(ys) > 1:
        ax.legend()
    path = _picture_file("plot")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    print(f"[plot of {len(ys)} series: {path}]")


def hist(x, bins=20):
    """A histogram of a tensor's values, printed as counts per bin."""
    v = x.detach().flatten().float()
    counts = torch.histc(v, bins=bins, min=v.min().item(), max=v.max().item())
    edges = torch.linspace(v.min().item(), v.max().item(), bins + 1)
    top = counts.max().item()
    for i in range(bins):
        print(f"{edges[i].item():>10.3g} {'#' * int(round(40 * counts[i].item() / top))} {int(counts[i].item())}")
    print(f"{v.numel()} values, mean {v.mean().item():.4g}, std {v.std().item():.4g}")


def graph(t):
    """The autograd graph behind a result, as PyTorch records it (grad_fn nodes, leaves last)."""
    seen = set()
    def walk(fn, depth):
        if fn is None or fn in seen:
            return
        seen.add(fn)
        name = type(fn).__name__
        if name == "AccumulateGrad":
            print("  " * depth + f"leaf {list(fn.variable.shape)}")
            return
        print("  " * depth + name)
        for child, _ in fn.next_functions:
            walk(child, depth + 1)
    walk(t.grad_fn, 0)


def save_png(x, path):
    imgs = _as_images(x)
    write_png(path, (imgs[0] * 255).round().to(torch.uint8)[..., None].repeat(1, 1, 3))
"""#),
        ("mnist", [], #"""


class Digits:
    """The notebook's mnist(): the same IDX files ganbook reads (GANBOOK_DATA_DIR, else where ganbook found
    them when this script was written). Images are [N, 1, 28, 28] in [0, 1]; labels are floats, as in ganbook."""

    def __init__(self, name="mnist"):
        folder = os.path.join(os.environ.get("GANBOOK_DATA_DIR", DATA_DIR), name)
        self.name = name
        self.pixels, self.targets = {}, {}
        for split, prefix in (("train", "train"), ("test", "t10k")):
            with gzip.open(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"), "rb") as f:
                raw = f.read()
            n, rows, cols = struct.unpack(">III", raw[4:16])
            self.pixels[split] = torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8).reshape(n, 1, rows, cols)
            with gzip.open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"), "rb") as f:
                self.targets[split] = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8).float()
        self.train_size = len(self.targets["train"])
        self.test_size = len(self.targets["test"])

    def __repr__(self):
        return f"{self.name}: {self.train_size} training images, {self.test_size} test images, 1x28x28, pixels in [0, 1]"

    def gan_images(self):
        """The whole training split in [-1, 1], computed once and shared by every GAN on this dataset."""
        if not hasattr(self, "_gan_images"):
            self._gan_images = self.scaled("train", slice(None), -1.0, 1.0)
        return self._gan_images

    def scaled(self, split, index, low=0.0, high=1.0):
        step = torch.tensor((high - low) / 255, dtype=torch.float32)
        return low + self.pixels[split][index].float() * step

    def images(self, start, end, split="train"):
        return self.scaled(split, slice(int(start), int(end)))

    def labels(self, start, end, split="train"):
        return self.targets[split][int(start):int(end)]

    def image(self, i, split="train"):
        return self.scaled(split, int(i))[0]

    def label(self, i, split="train"):
        return int(self.targets[split][int(i)])

    def batch(self, n, split="train"):
        """[images, labels] of n examples drawn at random."""
        pick = torch.randint(0, len(self.targets[split]), (int(n),))
        return [self.scaled(split, pick), self.targets[split][pick]]


_datasets = {}


def mnist():
    """The dataset, read once per script (every GAN shares it)."""
    if "mnist" not in _datasets:
        _datasets["mnist"] = Digits("mnist")
    return _datasets["mnist"]


def fashion():
    if "fashion" not in _datasets:
        _datasets["fashion"] = Digits("fashion")
    return _datasets["fashion"]
"""#),
        ("metrics", [], #"""


def accuracy(logits, target):
    """The share of rows whose largest logit is at the target class."""
    return (logits.argmax(dim=1) == target.long()).float().mean().item()


def confusion(logits, target, classes=10):
    """Rows: the true class; columns: the guess."""
    m = torch.zeros(classes, classes, dtype=torch.long)
    for t, g in zip(target.long().tolist(), logits.argmax(dim=1).tolist()):
        m[t, g] += 1
    print("true\\guess " + " ".join(f"{c:>4}" for c in range(classes)))
    for t in range(classes):
        print(f"{t:>10} " + " ".join(f"{int(v):>4}" for v in m[t]))


def median(values):
    return statistics.median(values)
"""#),
        ("files", ["safetensors"], #"""
def save(x, path, overwrite=False):
    """save(x, path): one tensor (or a list of numbers) as safetensors, under the name "tensor" as the notebook saves it."""
    if may_write(path, overwrite):
        write_safetensors(path, {"tensor": torch.as_tensor(x, dtype=torch.float32) if not torch.is_tensor(x) else x})


def load(path):
    tensors = read_safetensors(path)[0]
    return tensors["tensor"] if "tensor" in tensors else next(iter(tensors.values()))


def save_model(model, path, overwrite=False):
    """The model's weights (and BatchNorm's running statistics) under PyTorch's state_dict names."""
    if may_write(path, overwrite):
        write_safetensors(path, dict(model.state_dict()))


def load_model(model, path):
    state, _ = read_safetensors(path)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [m for m in missing if not m.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"{path} does not fit this model: missing {missing}, unexpected {unexpected}")
"""#),
        ("coins", ["pictures"], #"""
COIN_FEATURES = ["shape", "colour", "picture", "face"]
COIN_MEAN = torch.tensor([0.8, 0.7, 0.75, 0.6])
COIN_SPREAD = torch.tensor([0.08, 0.1, 0.08, 0.1])


class CoinHistory:
    def __init__(self):
        self.loss_D, self.loss_G, self.acceptance = [], [], []

    def __repr__(self):
        return f"history of {len(self.loss_D)} rounds: loss_D (treasurer), loss_G (counterfeiter), acceptance"


class CoinGame:
    """Lesson 4's game: a counterfeiter (noise [n, 4] -> coins [n, 4]) against a treasurer (coins -> one logit
    each); a coin is four numbers in [-1, 1] (shape, colour, picture, face). Real coins: round, gold, a statesman."""

    def __init__(self, coins=32, counterfeiter_lr=0.002, treasurer_lr=0.002, k=1, preset=None, seed=None):
        if preset == "fast_treasurer":
            treasurer_lr, k = treasurer_lr * 10, max(k, 3)
        elif preset == "slow_treasurer":
            treasurer_lr /= 100
        elif preset == "collapse":
            counterfeiter_lr, treasurer_lr = counterfeiter_lr * 10, treasurer_lr / 5
        if seed is not None:
            torch.manual_seed(seed)
        self.coins, self.k = int(coins), int(k)
        self.counterfeiter = nn.Sequential(nn.Linear(4, 32), nn.LeakyReLU(0.2), nn.Linear(32, 32), nn.LeakyReLU(0.2),
                                           nn.Linear(32, 4), nn.Tanh())
        self.treasurer = nn.Sequential(nn.Linear(4, 32), nn.LeakyReLU(0.2), nn.Linear(32, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
        self.opt_G = torch.optim.Adam(self.counterfeiter.parameters(), lr=counterfeiter_lr, betas=(0.5, 0.999))
        self.opt_D = torch.optim.Adam(self.treasurer.parameters(), lr=treasurer_lr, betas=(0.5, 0.999))
        self.rounds_played, self.history, self.means = 0, CoinHistory(), []

    def __repr__(self):
        real = ", ".join(f"{f} {m:g}±{s:g}" for f, m, s in zip(COIN_FEATURES, COIN_MEAN.tolist(), COIN_SPREAD.tolist()))
        return (f"coin game after {self.rounds_played} rounds: {self.coins} coins a round, {self.k} treasurer step"
                f"{'s' if self.k > 1 else ''} per round\n  real coins: {real}")

    def real(self, n=8):
        return (COIN_MEAN + COIN_SPREAD * torch.randn(int(n), 4)).clamp(-1, 1)

    def mint(self, n=8):
        with torch.no_grad():
            return self.counterfeiter(torch.randn(int(n), 4))

    def judge(self, coins):
        with torch.no_grad():
            return torch.sigmoid(self.treasurer(coins)).reshape(-1)

    @property
    def fake_means(self):
        return [round(m, 3) for m in (self.means[-1] if self.means else [0.0] * 4)]

    @property
    def acceptance(self):
        return self.history.acceptance[-1] if self.history.acceptance else 0.0

    def play(self):
        """One round: mint, judge, then the treasurer learns (k times) and the counterfeiter learns through it."""
        n = self.coins
        fake = self.counterfeiter(torch.randn(n, 4))
        verdicts = self.judge(fake.detach())
        for j in range(self.k):
            if j > 0:
                fake = self.counterfeiter(torch.randn(n, 4))
            self.opt_D.zero_grad()
            loss_D = F.binary_cross_entropy_with_logits(self.treasurer(self.real(n)).reshape(n), torch.ones(n)) + \
                F.binary_cross_entropy_with_logits(self.treasurer(fake.detach()).reshape(n), torch.zeros(n))
            loss_D.backward()
            self.opt_D.step()
        self.opt_G.zero_grad()
        self.treasurer.requires_grad_(False)
        loss_G = F.binary_cross_entropy_with_logits(self.treasurer(fake).reshape(n), torch.ones(n))
        loss_G.backward()
        self.treasurer.requires_grad_(True)
        self.opt_G.step()
        self.rounds_played += 1
        accepted = int((verdicts > 0.5).sum())
        self.history.loss_D.append(loss_D.item())
        self.history.loss_G.append(loss_G.item())
        self.history.acceptance.append(accepted / n)
        self.means.append(fake.detach().mean(dim=0).tolist())
        return accepted

    def summary(self):
        means = " ".join(f"{f} {m:.2f}" for f, m in zip(COIN_FEATURES, self.means[-1]))
        return (f"Loss_D {self.history.loss_D[-1]:.2f}  Loss_G {self.history.loss_G[-1]:.2f}  fakes taken "
                f"{round(self.acceptance * self.coins)}/{self.coins}  fakes: {means}")

    def round(self):
        accepted = self.play()
        return f"round {self.rounds_played}: the counterfeiter minted {self.coins} coins; the treasurer took {accepted}\n" + self.summary()

    def rounds(self, n=100):
        """n rounds: a summary line every n/10 rounds (the last one is the value)."""
        every = max(int(n) // 10, 1)
        for i in range(1, int(n) + 1):
            self.play()
            if i % every == 0 and i < n:
                print(f"round {self.rounds_played}: " + self.summary())
        return f"round {self.rounds_played}: " + self.summary()

    def treasurer_map(self, x="colour", y="picture"):
        """The treasurer's belief over two features (the other two at the real means), as a heatmap."""
        fx, fy = COIN_FEATURES.index(x), COIN_FEATURES.index(y)
        grid = torch.linspace(-1, 1, 41)
        coins = COIN_MEAN.repeat(41 * 41, 1)
        coins[:, fx] = grid.repeat(41)
        coins[:, fy] = grid.repeat_interleave(41).flip(0)
        print(f"treasurer's belief over {x} (left to right, -1 to 1) and {y} (bottom to top):")
        heatmap(self.judge(coins).reshape(41, 41) * 2 - 1)


def coins_game(coins=32, counterfeiter_lr=0.002, treasurer_lr=0.002, k=1, preset=None, seed=None):
    return CoinGame(coins, counterfeiter_lr, treasurer_lr, k, preset, seed)


def _spread(coins):
    return coins.std(dim=0).mean().item()


class CoinGames:
    """Several coin games side by side, measured together on 256 fresh fakes each."""

    def __init__(self, n=8, coins=32, counterfeiter_lr=0.002, treasurer_lr=0.002, k=1, preset=None):
        self.games = [CoinGame(coins, counterfeiter_lr, treasurer_lr, k, preset) for _ in range(int(n))]

    def __repr__(self):
        return f"{len(self.games)} coin games after {self.rounds_played} rounds"

    @property
    def rounds_played(self):
        return self.games[0].rounds_played

    def rounds(self, n=300):
        for _ in range(int(n)):
            for g in self.games:
                g.play()
        spread, gap, belief = self.spread, self.gap, self.belief
        return "\n".join(f"game {i}: spread {spread[i]:.3f}  gap {gap[i]:.3f}  belief {belief[i]:.2f}" for i in range(len(self.games)))

    @property
    def spread(self):
        return [_spread(g.mint(256)) for g in self.games]

    @property
    def real_spread(self):
        return _spread(self.games[0].real(1024))

    @property
    def means(self):
        return [g.mint(256).mean(dim=0).tolist() for g in self.games]

    @property
    def gap(self):
        return [(torch.tensor(m) - COIN_MEAN).abs().mean().item() for m in self.means]

    @property
    def belief(self):
        return [g.judge(g.mint(256)).mean().item() for g in self.games]

    @property
    def history(self):
        h = CoinHistory()
        for name in ("loss_D", "loss_G", "acceptance"):
            series = [getattr(g.history, name) for g in self.games]
            setattr(h, name, [statistics.median(v) for v in zip(*series)])
        return h


def coins_games(n=8, coins=32, counterfeiter_lr=0.002, treasurer_lr=0.002, k=1, preset=None):
    return CoinGames(n, coins, counterfeiter_lr, treasurer_lr, k, preset)
"""#),
        ("gan", ["safetensors", "mnist", "pictures", "judge"], #"""


def build_gan_models(arch, nz=100):
    """ganbook's reference GAN as nn.Modules, with the parameter names of ganbook's checkpoints."""
    if arch == "dcgan":
        class Generator(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(nz, 128 * 7 * 7)
                self.bn0 = nn.BatchNorm1d(128 * 7 * 7)
                self.deconv1 = nn.ConvTranspose2d(128, 64, 4, stride=2, padding=1)
                self.bn1 = nn.BatchNorm2d(64)
                self.deconv2 = nn.ConvTranspose2d(64, 1, 4, stride=2, padding=1)

            def forward(self, z):                                   # z [N, 100] -> images [N, 1, 28, 28]
                h = torch.relu(self.bn0(self.fc(z))).view(-1, 128, 7, 7)
                h = torch.relu(self.bn1(self.deconv1(h)))           # [N, 64, 14, 14]
                return torch.tanh(self.deconv2(h))

        class Discriminator(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv1 = nn.Conv2d(1, 64, 4, stride=2, padding=1)
                self.conv2 = nn.Conv2d(64, 128, 4, stride=2, padding=1)
                self.bn2 = nn.BatchNorm2d(128)
                self.fc = nn.Linear(128 * 7 * 7, 1)

            def forward(self, x):                                   # images [N, 1, 28, 28] -> logits [N]
                h = F.leaky_relu(self.conv1(x), 0.2)                # [N, 64, 14, 14]
                h = F.leaky_relu(self.bn2(self.conv2(h)), 0.2)      # [N, 128, 7, 7]
                return self.fc(h.flatten(1)).view(-1)
    else:
        class Generator(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = nn.Sequential(nn.Linear(nz, 256), nn.LeakyReLU(0.2), nn.Linear(256, 512), nn.LeakyReLU(0.2),
                                         nn.Linear(512, 784), nn.Tanh())

            def forward(self, z):
                return self.net(z).view(-1, 1, 28, 28)

        class Discriminator(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256), nn.LeakyReLU(0.2),
                                         nn.Linear(256, 1))

            def forward(self, x):
                return self.net(x.flatten(1)).view(-1)
    return Generator(), Discriminator()


def dcgan_init(model):
    """The DCGAN paper's start: conv/linear weights ~ N(0, 0.02), biases 0, BatchNorm scales ~ N(1, 0.02)."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


class History:
    def __init__(self):
        self.loss_D, self.loss_G, self.D_real, self.D_fake = [], [], [], []

    def __repr__(self):
        return f"history of {len(self.loss_D)} steps: loss_D, loss_G, D_real, D_fake"


class StepReport:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def __repr__(self):
        return (f"step {self.step}  Loss_D {self.loss_D:.3f}  Loss_G {self.loss_G:.3f}  D(x) {self.d_real:.2f}  "
                f"D(G(z)) {self.d_fake:.2f} → {self.d_fake_after:.2f}  |∇D| {self.grad_D:.2f}  |∇G| {self.grad_G:.2f}  "
                f"{self.ms:.0f} ms")


class GAN:
    """ganbook's GAN(): G and D, their Adam optimizers, MNIST in [-1, 1], and the one adversarial step
    of the PyTorch DCGAN example (D on real and detached fakes, then G through D, non-saturating)."""

    def __init__(self, arch="dcgan", data=None, batch=64, lr=2e-4, lr_d=None, betas=(0.5, 0.999), k=1, smooth=1.0,
                 preset=None, conditional=False, seed=None):
        if conditional:
            raise NotImplementedError("the conditional GAN of lesson 6 is not in this script")
        lr_d = lr if lr_d is None else lr_d
        if preset == "strong_d":
            lr_d, k = lr * 10, 5
        elif preset == "collapse":
            arch, lr, lr_d, batch = "mlp", 2e-3, 2e-4, min(batch, 16)
        if seed is not None:
            torch.manual_seed(seed)
        # The GAN's own random stream for noise and batch order (saved with it, as ganbook saves its streams):
        # a reloaded GAN takes the very step the saved one would have taken.
        self.generator = torch.Generator().manual_seed(int(torch.randint(0, 2**62, (1,)).item()))
        self.arch, self.batch, self.k, self.smooth = arch, int(batch), int(k), float(smooth)
        self.data = data if data is not None else mnist()
        # data=False: no dataset (the session's own batches are given to step(), as in agree_with_session)
        self.real_images = self.data.gan_images() if self.data is not False else None
        self.G, self.D = build_gan_models(arch)
        dcgan_init(self.G)
        dcgan_init(self.D)
        self.opt_G = torch.optim.Adam(self.G.parameters(), lr=lr, betas=tuple(betas))
        self.opt_D = torch.optim.Adam(self.D.parameters(), lr=lr_d, betas=tuple(betas))
        self.history, self.steps, self.snapshots, self.order = History(), 0, [], []
        self.fixed_z = torch.randn(16, 100)

    def __repr__(self):
        g = sum(p.numel() for p in self.G.parameters())
        d = sum(p.numel() for p in self.D.parameters())
        return (f"GAN({self.arch}): G {g:,} parameters, D {d:,}; batch {self.batch}, k {self.k}, "
                f"lr G {self.opt_G.param_groups[0]['lr']:g}, D {self.opt_D.param_groups[0]['lr']:g}; {self.steps} steps")

    # -- data and noise
    def real_batch(self):
        if len(self.order) < self.batch:
            self.order = torch.randperm(len(self.real_images), generator=self.generator).tolist()
        pick, self.order = self.order[:self.batch], self.order[self.batch:]
        return self.real_images[pick]

    def noise(self):
        return torch.randn(self.batch, 100, generator=self.generator)

    # -- the two updates
    def update_D(self, real, fake):
        self.opt_D.zero_grad()
        out_real, out_fake = self.D(real), self.D(fake.detach())
        n = real.shape[0]
        loss = F.binary_cross_entropy_with_logits(out_real, torch.full((n,), self.smooth)) + \
            F.binary_cross_entropy_with_logits(out_fake, torch.zeros(n))
        loss.backward()
        self.opt_D.step()
        return loss.item(), torch.sigmoid(out_real).mean().item(), torch.sigmoid(out_fake).mean().item()

    def update_G(self, fake):
        self.opt_G.zero_grad()
        self.D.requires_grad_(False)   # D keeps the gradients of its own update
        out = self.D(fake)
        loss = F.binary_cross_entropy_with_logits(out, torch.ones(fake.shape[0]))
        loss.backward()
        self.D.requires_grad_(True)
        self.opt_G.step()
        return loss.item(), torch.sigmoid(out).mean().item()

    def snapshot(self):
        self.snapshots = (self.snapshots + [copy.deepcopy((self.G.state_dict(), self.D.state_dict(), self.opt_G.state_dict(),
                                                            self.opt_D.state_dict(), self.steps, len(self.history.loss_D),
                                                            self.generator.get_state(), list(self.order)))])[-5:]

    def step(self, explain=False, real=None, z=None):
        """One step: k D updates, then one G update on the last fakes."""
        self.G.train()
        self.D.train()
        self.snapshot()
        start = time.perf_counter()
        for j in range(self.k):
            fake = self.G(self.noise() if z is None else z[j])
            loss_D, d_real, d_fake = self.update_D(self.real_batch() if real is None else real[j], fake)
        grad_D = sum((p.grad ** 2).sum().item() for p in self.D.parameters() if p.grad is not None) ** 0.5
        loss_G, d_after = self.update_G(fake)
        grad_G = sum((p.grad ** 2).sum().item() for p in self.G.parameters() if p.grad is not None) ** 0.5
        self.steps += 1
        for name, v in (("loss_D", loss_D), ("loss_G", loss_G), ("D_real", d_real), ("D_fake", d_fake)):
            getattr(self.history, name).append(v)
        report = StepReport(step=self.steps, loss_D=loss_D, loss_G=loss_G, d_real=d_real, d_fake=d_fake, d_fake_after=d_after,
                            grad_D=grad_D, grad_G=grad_G, ms=1000 * (time.perf_counter() - start))
        if explain:
            print("D learns: loss_D = bce(D(real), 1) + bce(D(G(z).detach()), 0); backward; Adam step on D")
            print("G learns: loss_G = bce(D(G(z)), 1) through D (frozen); backward; Adam step on G")
        return report

    def step_d(self):
        self.G.train(); self.D.train(); self.snapshot()
        loss, d_real, d_fake = self.update_D(self.real_batch(), self.G(self.noise()))
        return f"D update: loss_D {loss:.3f}  D(x) {d_real:.2f}  D(G(z)) {d_fake:.2f}"

    def step_g(self):
        self.G.train(); self.D.train(); self.snapshot()
        loss, d_fake = self.update_G(self.G(self.noise()))
        return f"G update: loss_G {loss:.3f}  D(G(z)) {d_fake:.2f}"

    def undo(self, n=1):
        n = min(int(n), len(self.snapshots))
        if n == 0:
            return "nothing to undo"
        g, d, og, od, steps, count, stream, order = self.snapshots[-n]
        self.generator.set_state(stream)
        self.order = order
        self.snapshots = self.snapshots[:-n]
        self.G.load_state_dict(g); self.D.load_state_dict(d); self.opt_G.load_state_dict(og); self.opt_D.load_state_dict(od)
        self.steps = steps
        for name in ("loss_D", "loss_G", "D_real", "D_fake"):
            del getattr(self.history, name)[count:]
        return f"undid {n} update{'s' if n > 1 else ''}: back at step {self.steps}"

    def train(self, steps=500):
        steps = int(steps)
        every = max(1, steps // 10)
        start = time.perf_counter()
        for i in range(steps):
            r = self.step()
            if (i + 1) % every == 0 or i + 1 == steps:
                print(f"step {r.step}: loss_D {r.loss_D:.3f}  loss_G {r.loss_G:.3f}  D(x) {r.d_real:.2f}  D(G(z)) {r.d_fake:.2f}")
        return f"trained {steps} steps in {time.perf_counter() - start:.1f} s (now at step {self.steps})"

    def stats(self):
        lines = []
        for name, p in list(self.G.named_parameters(prefix="G")) + list(self.D.named_parameters(prefix="D")):
            g = "" if p.grad is None else f"  |grad| {p.grad.norm().item():.3g}"
            lines.append(f"{name:<20} {str(list(p.shape)):<18} |w| {p.norm().item():.3g}{g}")
        return "\n".join(lines)

    def sample(self, n=16, seed=None, digit=None):
        """G's drawings of n fresh noises, in eval mode (BatchNorm's running statistics)."""
        z = torch.randn(int(n), 100, generator=torch.Generator().manual_seed(int(seed)) if seed is not None else None)
        self.G.eval()
        with torch.no_grad():
            out = self.G(z)
        self.G.train()
        return out

    def score(self, classifier=None, n=1000):
        return score(self, n)

    def interpolate(self, a, b, steps=8):
        """G's drawings along the straight line between the noises of seeds a and b."""
        za = torch.randn(1, 100, generator=torch.Generator().manual_seed(int(a)))
        zb = torch.randn(1, 100, generator=torch.Generator().manual_seed(int(b)))
        t = torch.linspace(0, 1, int(steps))[:, None]
        self.G.eval()
        with torch.no_grad():
            out = self.G((1 - t) * za + t * zb)
        self.G.train()
        show(out, columns=int(steps))
        return out

    def animate(self):
        show(self.sample(16, seed=1))

    def save(self, path, overwrite=False):
        """G, D, both Adams, the history and this GAN's random stream (ganbook itself cannot load it: it keeps its own streams)."""
        if not may_write(path, overwrite):
            return f"not saved: {path}"
        tensors = {"G." + k: v for k, v in self.G.state_dict().items()}
        tensors.update({"D." + k: v for k, v in self.D.state_dict().items()})
        for prefix, opt, net in (("optimizer.G.", self.opt_G, self.G), ("optimizer.D.", self.opt_D, self.D)):
            for i, (name, _) in enumerate(net.named_parameters()):
                st = opt.state_dict()["state"].get(i)
                if st:
                    tensors[prefix + name + ".step"] = torch.tensor(float(st["step"]))
                    tensors[prefix + name + ".exp_avg"] = st["exp_avg"]
                    tensors[prefix + name + ".exp_avg_sq"] = st["exp_avg_sq"]
        for name in ("loss_D", "loss_G", "D_real", "D_fake"):
            tensors["history." + name] = torch.tensor(getattr(self.history, name), dtype=torch.float32)
        tensors["torch.generator"] = self.generator.get_state()
        tensors["torch.order"] = torch.tensor(self.order, dtype=torch.int64)
        meta = {"format": "pt", "ganbook": "gan", "architecture": self.arch, "steps": self.steps, "batch": self.batch,
                "d_steps": self.k, "real_label": self.smooth, "lr_d": self.opt_D.param_groups[0]["lr"],
                "lr_g": self.opt_G.param_groups[0]["lr"], "beta1": self.opt_G.param_groups[0]["betas"][0],
                "beta2": self.opt_G.param_groups[0]["betas"][1], "dataset": getattr(self.data, "name", "mnist")}
        write_safetensors(path, tensors, meta)
        return f"saved {path}"

    def load_optimizers(self, state, prefix=""):
        _adam_state(self.opt_G, self.G, state, prefix + "optimizer.G.")
        _adam_state(self.opt_D, self.D, state, prefix + "optimizer.D.")

    def load_weights(self, state, prefix=""):
        """G's and D's weights from a ganbook checkpoint's tensors ("G.fc.weight", …), strictly."""
        for net, name in ((self.G, "G."), (self.D, "D.")):
            mine = {k[len(prefix + name):]: v for k, v in state.items() if k.startswith(prefix + name)}
            missing, unexpected = net.load_state_dict(mine, strict=False)
            missing = [m for m in missing if not m.endswith("num_batches_tracked")]
            if missing or unexpected:
                raise ValueError(f"weights do not fit {name[0]}: missing {missing}, unexpected {unexpected}")


def _adam_state(opt, net, state, prefix):
    """ganbook's Adam state ("optimizer.G.fc.weight.exp_avg", …) into a torch Adam over the same parameters."""
    sd = opt.state_dict()
    for i, (name, _) in enumerate(net.named_parameters()):
        key = prefix + name
        if key + ".exp_avg" in state:
            sd["state"][i] = {"step": state[key + ".step"].reshape(()).float(), "exp_avg": state[key + ".exp_avg"],
                              "exp_avg_sq": state[key + ".exp_avg_sq"]}
    opt.load_state_dict(sd)


def load_gan(path, data=None, or_train=None):
    """A GAN saved by ganbook (or by this script): the settings from its metadata, G's and D's weights."""
    if not os.path.exists(path) and or_train is not None:
        gan = GAN(data=data)
        print(gan.train(steps=or_train))
        return gan
    state, meta = read_safetensors(path)
    gan = GAN(arch=meta.get("architecture", "dcgan"), data=data, batch=int(meta.get("batch", 64)),
              lr=float(meta.get("lr_g", 2e-4)), lr_d=float(meta.get("lr_d", 2e-4)),
              betas=(float(meta.get("beta1", 0.5)), float(meta.get("beta2", 0.999))), k=int(meta.get("d_steps", 1)),
              smooth=float(meta.get("real_label", 1)))
    gan.load_weights(state)
    gan.load_optimizers(state)
    gan.steps = int(meta.get("steps", 0))
    for name in ("loss_D", "loss_G", "D_real", "D_fake"):
        if "history." + name in state:
            setattr(gan.history, name, state["history." + name].tolist())
    if "torch.generator" in state:  # saved by this script: its random stream too
        gan.generator.set_state(state["torch.generator"])
        gan.order = state["torch.order"].tolist()
    return gan
"""#),
        ("judge", ["files", "mnist"], #"""
def mnist_classifier():
    """Lesson 3's classifier, the judge of score(): the same layers, so classifier.safetensors loads into it."""
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 7 * 7, 10))


_judges = {}


def digit_judge(data):
    """lesson 3's classifier.safetensors when it is here; otherwise one trained now (as the notebook does)."""
    if os.path.exists("classifier.safetensors"):
        net = mnist_classifier()
        load_model(net, "classifier.safetensors")
        print("judging with lesson 3's classifier (classifier.safetensors)")
        return net.eval()
    steps = quick(150, 2000)
    if steps not in _judges:
        print(f"no classifier.safetensors yet (lesson 3 saves it): training the classifier now, {steps} steps…")
        net, x, y = mnist_classifier(), data.images(0, data.train_size), data.labels(0, data.train_size).long()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for _ in range(steps):
            pick = torch.randint(0, data.train_size, (64,))
            opt.zero_grad()
            F.cross_entropy(net(x[pick]), y[pick]).backward()
            opt.step()
        _judges[steps] = net.eval()
    return _judges[steps]


def _mnist_score(p):
    """exp(mean KL(p(y|x) || p(y))): 10 when every digit appears and each is clear, 1 when one class or confusion."""
    marginal = p.mean(dim=0, keepdim=True)
    return torch.exp((p * (p.clamp(min=1e-30).log() - marginal.clamp(min=1e-12).log())).sum(dim=1).mean()).item()


def _frechet(a, b):
    """‖μa − μb‖² + Tr(Σa + Σb − 2 (Σa^½ Σb Σa^½)^½), in float64."""
    a, b = a.double(), b.double()
    mu_a, mu_b, cov_a, cov_b = a.mean(0), b.mean(0), torch.cov(a.T), torch.cov(b.T)
    def sqrtm(m):
        w, v = torch.linalg.eigh((m + m.T) / 2)
        return v @ torch.diag(w.clamp(min=0).sqrt()) @ v.T
    root = sqrtm(cov_a)
    return ((mu_a - mu_b) ** 2).sum().item() + (cov_a.trace() + cov_b.trace() - 2 * sqrtm(root @ cov_b @ root).trace()).item()


def score(gan, n=1000):
    """What the judge thinks n of G's digits are: [MNIST score, Fréchet distance, share per digit, real digits' score, judge]."""
    net = digit_judge(gan.data)
    with torch.no_grad():
        fake_logits = net((gan.sample(n, seed=12345) + 1) * 0.5)
        real_logits = net(gan.data.images(0, min(n, gan.data.test_size), split="test"))
    p = torch.softmax(fake_logits, dim=1)
    shares = [c / n for c in torch.bincount(p.argmax(dim=1), minlength=10).tolist()]
    s, real_s, fd = _mnist_score(p), _mnist_score(torch.softmax(real_logits, dim=1)), _frechet(fake_logits, real_logits)
    print(f"{n} samples judged by the classifier: what it thinks each one is")
    for digit, share in enumerate(shares):
        print(f"  {digit:<11} {'#' * int(round(share * 100) / 2):<26} {100 * share:.1f}%")
    print(f"MNIST score {s:.2f} (real test digits: {real_s:.2f}); Fréchet distance in the classifier's logits: {fd:.2f}")
    return [s, fd, shares, real_s, "lesson 3's classifier" if os.path.exists("classifier.safetensors") else "a classifier trained just now"]
"""#),
        ("agree", ["gan", "safetensors"], #"""
def agree_with_session(path):
    """Checks this script's PyTorch against the numbers ganbook computed in the session (`--weights`):
    G and D on the session's final weights give the session's outputs, and the GAN's first recorded
    steps, replayed from the same start with the same batches and noise, reach the same losses."""
    state, meta = read_safetensors(path)
    ok = True
    for var in [v for v in meta.get("gans", "").split(",") if v]:
        s = json.loads(meta[var + ".settings"])
        def fresh():
            return GAN(arch=s["arch"], data=False, batch=s["batch"], lr=s["lr_g"], lr_d=s["lr_d"],
                       betas=(s["beta1"], s["beta2"]), k=s["k"], smooth=s["smooth"])
        gan = fresh()
        gan.load_weights(state, prefix=var + ".")
        gan.G.eval()
        gan.D.eval()
        with torch.no_grad():
            g = gan.G(state[var + ".check.z"])
            d = gan.D(state[var + ".check.G_eval"])
        err_g = (g - state[var + ".check.G_eval"]).abs().max().item()
        ref = state[var + ".check.D_eval"]
        err_d = ((d - ref).abs() / ref.abs().clamp(min=1)).max().item()  # logits can reach tens: relative above 1
        good = err_g <= 1e-5 and err_d <= 1e-5
        ok &= good
        print(f"{var}: at step {s['steps']}, G(z) differs from the session's by at most {err_g:.1e}, D(x) by {err_d:.1e}"
              f" ({'agrees' if good else 'DIFFERS'}: the bound is 1e-5)")
        if var + ".record.z" not in state:
            print(f"{var}: no recorded steps to replay ({meta.get(var + '.record', 'none kept')})")
            continue
        real, z = state[var + ".record.real"], state[var + ".record.z"]
        want = list(zip(state[var + ".record.loss_D"].tolist(), state[var + ".record.loss_G"].tolist()))

        def replay(threads):
            torch.set_num_threads(threads)
            gan = fresh()
            gan.load_weights(state, prefix=var + ".record.")
            return [(r.loss_D, r.loss_G) for r in (gan.step(real=real[i], z=z[i]) for i in range(len(z)))]

        def gaps(a, b):  # per step, the larger relative difference of the two losses
            return [max(abs(x - y) / max(abs(y), 1e-12) for x, y in zip(p, q)) for p, q in zip(a, b)]

        threads = torch.get_num_threads()
        mine, other = replay(threads), replay(1 if threads > 1 else 2)
        torch.set_num_threads(threads)
        vs_ganbook, vs_itself = gaps(mine, want), gaps(other, mine)
        first = min(5, len(vs_ganbook))
        same_until = next((i for i, g in enumerate(vs_ganbook) if g > 1e-3), len(vs_ganbook))
        med = lambda v: sorted(v)[len(v) // 2]
        # A GAN step amplifies float rounding (Adam's first steps most): two correct float32 engines, or PyTorch on
        # 1 thread and on 2, drift apart over a hundred steps. So the first steps must agree to rounding, and later
        # ones as closely as PyTorch agrees with itself.
        good = max(vs_ganbook[:first]) <= 1e-3 and med(vs_ganbook) <= max(10 * med(vs_itself), 1e-3)
        ok &= good
        print(f"{var}: {len(z)} steps replayed from the session's start with its batches and noise "
              f"({'agrees' if good else 'DIFFERS'}): steps 1–{first} within {max(vs_ganbook[:first]):.1e} of ganbook's losses, "
              f"the first {same_until} within 1e-3; over all {len(z)}, the median difference is {med(vs_ganbook):.1e} and the "
              f"largest {max(vs_ganbook):.1e}, where PyTorch on {threads} thread(s) and on {1 if threads > 1 else 2} differ by "
              f"{med(vs_itself):.1e} (median) and {max(vs_itself):.1e} (largest): rounding amplified by training")
        print(f"{var}: last losses here {mine[-1][0]:.4f} / {mine[-1][1]:.4f} (loss_D / loss_G), in ganbook "
              f"{want[-1][0]:.4f} / {want[-1][1]:.4f}")
    return ok
"""#),
    ]

    /// The piece defining each notebook builtin the translation may call.
    static let pieceOf: [String: String] = [
        "quick": "prelude", "as_float": "prelude", "reverse": "prelude", "show": "pictures", "plot": "pictures", "hist": "pictures", "heatmap": "pictures", "graph": "pictures",
        "save_png": "pictures", "mnist": "mnist", "fashion": "mnist", "accuracy": "metrics", "confusion": "metrics",
        "median": "metrics", "save": "files", "load": "files", "save_model": "files", "load_model": "files", "GAN": "gan",
        "load_gan": "gan", "agree_with_session": "agree", "coins_game": "coins", "coins_games": "coins",
    ]

    /// The Python defining `helpers` (and what they need), pieces in their fixed order.
    static func source(for helpers: [String]) -> String {
        var wanted: Set<String> = ["prelude"]
        var queue = helpers.compactMap { pieceOf[$0] }
        while let p = queue.popLast() {
            guard wanted.insert(p).inserted else { continue }
            queue += pieces.first { $0.name == p }?.needs ?? []
        }
        return pieces.filter { wanted.contains($0.name) }.map(\.source).joined(separator: "\n\n\n")
    }
}
