#!/usr/bin/env python3
"""Generate PyTorch reference values for ganbook's Swift tests.

Run BY HAND, from the repository root, with a Python that has torch (CPU) installed:

    /path/to/venv/bin/python Tests/NNTests/Fixtures/make_fixtures.py

It is never run by CI. The Swift tests read only the committed output file
Tests/NNTests/Fixtures/torch_reference.safetensors (next to this script); re-run this script
and commit the new file only when the set of reference cases changes.

Output format: safetensors, written with the standard library only (no `safetensors`
package): 8-byte little-endian uint64 N, N bytes of JSON header (space-padded so that
8 + N is a multiple of 8), then the raw data. Every tensor is little-endian float32
("F32"), including integer-valued things (class labels, num_batches_tracked).

Naming convention for a case <case>: inputs and parameters are stored under their own
names (<case>.x, <case>.weight, <case>.bias, ...), the forward output as <case>.out,
a random upstream gradient (same shape as out) as <case>.gout, and the gradients of
(out * gout).sum() with respect to every input and parameter as <case>.grad.<name>.
Losses store <loss>.out (shape []) and <loss>.grad.<input> = d loss / d input (no gout).
"""
import array
import json
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float32)
torch.set_num_threads(1)  # deterministic and polite on a shared 2-core machine

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.join(HERE, "torch_reference.safetensors")
REFERENCE_GAN_DIR = "/work/shared/bench"

TENSORS = OrderedDict()  # name -> float32 CPU tensor, insertion order = file order


def store(name, t):
    if name in TENSORS:
        raise KeyError(f"duplicate tensor name {name!r}")
    if not isinstance(t, torch.Tensor):
        t = torch.tensor(t)
    TENSORS[name] = t.detach().to(torch.float32).contiguous().clone()


def leaf(t):
    """A fresh float32 leaf tensor that records gradients."""
    return t.detach().to(torch.float32).clone().requires_grad_(True)


def randomize_params(module, scale=0.5):
    """Overwrite weight and bias with N(0,1) * scale draws (instead of torch's init)."""
    with torch.no_grad():
        module.weight.copy_(torch.randn_like(module.weight) * scale)
        if module.bias is not None:
            module.bias.copy_(torch.randn_like(module.bias) * scale)


def module_case(case, module, x):
    """Forward/backward one layer with parameters weight, bias and input x; store everything."""
    x = leaf(x)
    out = module(x)
    gout = torch.randn_like(out)
    (out * gout).sum().backward()
    store(f"{case}.x", x)
    store(f"{case}.weight", module.weight)
    store(f"{case}.bias", module.bias)
    store(f"{case}.out", out)
    store(f"{case}.gout", gout)
    store(f"{case}.grad.x", x.grad)
    store(f"{case}.grad.weight", module.weight.grad)
    store(f"{case}.grad.bias", module.bias.grad)


# ----------------------------------------------------------------------------- layers
def case_linear():
    # nn.Linear(5, 3): x [4,5], weight [3,5], bias [3] -> out [4,3]
    m = nn.Linear(5, 3)
    randomize_params(m)
    module_case("linear", m, torch.randn(4, 5))


def case_conv2d():
    # nn.Conv2d(2, 3, k3, s2, p1): x [2,2,7,7], weight [3,2,3,3], bias [3] -> out [2,3,4,4]
    m = nn.Conv2d(2, 3, kernel_size=3, stride=2, padding=1)
    randomize_params(m)
    module_case("conv2d", m, torch.randn(2, 2, 7, 7))


def case_conv2d_k4():
    # nn.Conv2d(1, 4, k4, s2, p1): x [2,1,8,8], weight [4,1,4,4], bias [4] -> out [2,4,4,4]
    m = nn.Conv2d(1, 4, kernel_size=4, stride=2, padding=1)
    randomize_params(m)
    module_case("conv2d_k4", m, torch.randn(2, 1, 8, 8))


def case_conv2d_nopad():
    # nn.Conv2d(3, 2, k2, s1, p0): x [1,3,5,4], weight [2,3,2,2], bias [2] -> out [1,2,4,3]
    m = nn.Conv2d(3, 2, kernel_size=2, stride=1, padding=0)
    randomize_params(m)
    module_case("conv2d_nopad", m, torch.randn(1, 3, 5, 4))


def case_convt2d():
    # nn.ConvTranspose2d(3, 2, k4, s2, p1): x [2,3,4,4], weight [3,2,4,4] ([in,out,kh,kw]),
    # bias [2] -> out [2,2,8,8]
    m = nn.ConvTranspose2d(3, 2, kernel_size=4, stride=2, padding=1)
    randomize_params(m)
    module_case("convt2d", m, torch.randn(2, 3, 4, 4))


def case_convt2d_outpad():
    # nn.ConvTranspose2d(2, 3, k3, s2, p1, output_padding=1): x [1,2,3,3], weight [2,3,3,3],
    # bias [3] -> out [1,3,6,6]
    m = nn.ConvTranspose2d(2, 3, kernel_size=3, stride=2, padding=1, output_padding=1)
    randomize_params(m)
    module_case("convt2d_outpad", m, torch.randn(1, 2, 3, 3))


def batchnorm_case(case, m, x):
    """Train-mode forward/backward, then running stats, then an eval-mode forward."""
    with torch.no_grad():
        m.weight.copy_(1.0 + 0.3 * torch.randn_like(m.weight))
        m.bias.copy_(0.5 * torch.randn_like(m.bias))
    m.train()
    module_case(case, m, x)
    # running stats after ONE train-mode forward (momentum 0.1, unbiased batch variance)
    store(f"{case}.running_mean", m.running_mean)
    store(f"{case}.running_var", m.running_var)
    store(f"{case}.num_batches_tracked", m.num_batches_tracked)
    m.eval()
    with torch.no_grad():
        store(f"{case}.eval_out", m(TENSORS[f"{case}.x"]))


def case_bn1d():
    # nn.BatchNorm1d(4), train mode: x [6,4], weight/bias/running_* [4], num_batches_tracked []
    batchnorm_case("bn1d", nn.BatchNorm1d(4), torch.randn(6, 4) * 2 + 1)


def case_bn2d():
    # nn.BatchNorm2d(3), train mode: x [2,3,4,4], weight/bias/running_* [3], num_batches_tracked []
    batchnorm_case("bn2d", nn.BatchNorm2d(3), torch.randn(2, 3, 4, 4) * 2 + 1)


def case_maxpool():
    # nn.MaxPool2d(2, 2): x [2,2,6,6] -> out [2,2,3,3]
    x = leaf(torch.randn(2, 2, 6, 6))
    out = nn.MaxPool2d(2, 2)(x)
    gout = torch.randn_like(out)
    (out * gout).sum().backward()
    store("maxpool.x", x)
    store("maxpool.out", out)
    store("maxpool.gout", gout)
    store("maxpool.grad.x", x.grad)


def case_act():
    # activations on act.x [3,4]; each act.<fn>.out / .gout / .grad.x is [3,4]
    x0 = torch.randn(3, 4) * 2
    store("act.x", x0)
    fns = [
        ("relu", torch.relu),
        ("leaky_relu", lambda t: F.leaky_relu(t, negative_slope=0.2)),
        ("tanh", torch.tanh),
        ("sigmoid", torch.sigmoid),
    ]
    for name, fn in fns:
        x = leaf(x0)
        out = fn(x)
        gout = torch.randn_like(out)
        (out * gout).sum().backward()
        store(f"act.{name}.out", out)
        store(f"act.{name}.gout", gout)
        store(f"act.{name}.grad.x", x.grad)


def case_softmax():
    # softmax / log_softmax over dim=1 of softmax.x [3,5]; outs, gouts, grads all [3,5]
    x0 = torch.randn(3, 5)
    store("softmax.x", x0)
    for name, fn in [("softmax", torch.softmax), ("log_softmax", torch.log_softmax)]:
        x = leaf(x0)
        out = fn(x, dim=1)
        gout = torch.randn_like(out)
        (out * gout).sum().backward()
        store(f"{name}.out", out)
        store(f"{name}.gout", gout)
        store(f"{name}.grad.x", x.grad)


# ----------------------------------------------------------------------------- losses
def case_mse():
    # MSELoss (mean): pred [4,3], target [4,3] -> out [], grad.pred [4,3]
    pred, target = leaf(torch.randn(4, 3)), torch.randn(4, 3)
    loss = nn.MSELoss()(pred, target)
    loss.backward()
    store("mse.pred", pred)
    store("mse.target", target)
    store("mse.out", loss)
    store("mse.grad.pred", pred.grad)


def case_bce():
    # BCELoss (mean): pred = sigmoid(randn) [6], target 0/1 [6] -> out [], grad.pred [6]
    pred = leaf(torch.sigmoid(torch.randn(6)))
    target = torch.randint(0, 2, (6,)).float()
    loss = nn.BCELoss()(pred, target)
    loss.backward()
    store("bce.pred", pred)
    store("bce.target", target)
    store("bce.out", loss)
    store("bce.grad.pred", pred.grad)


def case_bce_logits():
    # BCEWithLogitsLoss (mean): logits [8] (two large: 30, -40), target 0/1 [8] -> out [], grad.logits [8]
    logits0 = torch.randn(8) * 3
    logits0[2] = 30.0
    logits0[5] = -40.0
    logits = leaf(logits0)
    target = torch.randint(0, 2, (8,)).float()
    loss = nn.BCEWithLogitsLoss()(logits, target)
    loss.backward()
    store("bce_logits.logits", logits)
    store("bce_logits.target", target)
    store("bce_logits.out", loss)
    store("bce_logits.grad.logits", logits.grad)


def case_cross_entropy():
    # CrossEntropyLoss (mean): logits [4,5], target class indices [4] (as F32) -> out [], grad.logits [4,5]
    logits = leaf(torch.randn(4, 5))
    target = torch.randint(0, 5, (4,))
    loss = nn.CrossEntropyLoss()(logits, target)
    loss.backward()
    store("cross_entropy.logits", logits)
    store("cross_entropy.target", target)
    store("cross_entropy.out", loss)
    store("cross_entropy.grad.logits", logits.grad)


def case_nll():
    # NLLLoss (mean): x = log_softmax(randn [4,5], dim=1), target indices [4] (as F32) -> out [], grad.x [4,5]
    x = leaf(torch.log_softmax(torch.randn(4, 5), dim=1))
    target = torch.randint(0, 5, (4,))
    loss = nn.NLLLoss()(x, target)
    loss.backward()
    store("nll.x", x)
    store("nll.target", target)
    store("nll.out", loss)
    store("nll.grad.x", x.grad)


# ----------------------------------------------------------------------------- optimizers
def case_optimizers():
    # w0 [3,4], grads g1..g3 [3,4]; for every config: <opt>.step1..step3 [3,4] (+ state [3,4])
    w0 = torch.randn(3, 4)
    gs = [torch.randn(3, 4) for _ in range(3)]
    store("opt.w0", w0)
    for i, g in enumerate(gs, 1):
        store(f"opt.g{i}", g)
    configs = [
        ("sgd", lambda p: torch.optim.SGD([p], lr=0.1)),
        ("sgd_momentum", lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)),
        ("adam", lambda p: torch.optim.Adam([p], lr=1e-2, betas=(0.9, 0.999), eps=1e-8)),
        ("adam_wd", lambda p: torch.optim.Adam([p], lr=2e-4, betas=(0.5, 0.999), eps=1e-8,
                                               weight_decay=0.01)),
    ]
    for name, make in configs:
        p = nn.Parameter(w0.clone())
        opt = make(p)
        for t, g in enumerate(gs, 1):
            p.grad = g.clone()
            opt.step()
            store(f"{name}.step{t}", p)
        if name == "adam":
            store("adam.exp_avg", opt.state[p]["exp_avg"])
            store("adam.exp_avg_sq", opt.state[p]["exp_avg_sq"])
        if name == "sgd_momentum":
            store("sgd_momentum.momentum_buffer", opt.state[p]["momentum_buffer"])


# ----------------------------------------------------------------------------- DCGAN step
G_KEYS = ["fc.weight", "fc.bias",
          "bn0.weight", "bn0.bias", "bn0.running_mean", "bn0.running_var", "bn0.num_batches_tracked",
          "deconv1.weight", "deconv1.bias",
          "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
          "deconv2.weight", "deconv2.bias"]
D_KEYS = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
          "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var", "bn2.num_batches_tracked",
          "fc.weight", "fc.bias"]


def store_state(prefix, module, keys):
    sd = module.state_dict()
    if list(sd.keys()) != keys:
        raise RuntimeError(f"unexpected state_dict keys for {prefix}: {list(sd.keys())}")
    for k in keys:
        store(f"{prefix}.{k}", sd[k])


def gan_step(G, D, real, z):
    # ONE training step, exactly as train_step() in reference_gan.py. G and D stay in train mode
    # throughout, so EVERY forward pass uses batch statistics and updates BN running stats:
    #  1. fake = G(z)                        G forward once (bn0, bn1 running stats updated: +1)
    #  2. optD.zero_grad(set_to_none=True)
    #  3. out_real = D(real)                 separate D forward on the 8 real images (bn2 stats: +1)
    #  4. out_fake = D(fake.detach())        separate D forward on the 8 fakes     (bn2 stats: +1)
    #  5. loss_D = bce(out_real, 1) + bce(out_fake, 0); loss_D.backward()   (grads of D only)
    #  6. optD.step()                        D params updated (Adam step 1)
    #  7. optG.zero_grad(set_to_none=True)
    #  8. out_g = D(fake)                    D forward with the UPDATED D params, train mode, on the
    #                                        same fake tensor from step 1 (bn2 stats: +1 -> 3 in total)
    #  9. loss_G = bce(out_g, 1); loss_G.backward()  (grads flow through D into G; D's .grad also
    #                                        accumulates but is never used: optD is not stepped again)
    # 10. optG.step()                        G params updated (Adam step 1)
    # => after the step: G bn0/bn1 num_batches_tracked = 1, D bn2 num_batches_tracked = 3.
    B = real.shape[0]
    optG = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(B), torch.zeros(B)
    G.train()
    D.train()
    fake = G(z)
    optD.zero_grad(set_to_none=True)
    out_real = D(real)
    out_fake = D(fake.detach())
    loss_d = bce(out_real, ones) + bce(out_fake, zeros)
    loss_d.backward()
    optD.step()
    optG.zero_grad(set_to_none=True)
    out_g = D(fake)
    loss_g = bce(out_g, ones)
    loss_g.backward()
    optG.step()
    return loss_d, loss_g, out_real, out_fake, out_g


# Biases feeding a train-mode BatchNorm: their true gradient is 0, float noise decides their sign.
NOISE_ONLY = {"fc.bias", "deconv1.bias", "conv2.bias"}


def well_conditioned(G, D, real, z):
    """True when the step's gradients do not jump under tiny perturbations of the weights.

    With batch 8 and random weights, a BatchNorm channel can have almost no variance; a value it
    normalises can then sit on a (leaky) ReLU kink, and rounding alone flips its slope, changing
    G's gradients by percents. Such a fixture tests luck, not arithmetic: we refuse it."""
    import copy
    def grads(perturb):
        g, d = copy.deepcopy(G), copy.deepcopy(D)
        if perturb:
            with torch.no_grad():
                for p in list(g.parameters()) + list(d.parameters()):
                    p.add_(torch.randn_like(p) * 1e-7)
        gan_step(g, d, real, z)
        return {n: p.grad.clone() for n, p in list(g.named_parameters()) + list(d.named_parameters()) if n not in NOISE_ONLY}
    base = grads(False)
    for _ in range(3):
        other = grads(True)
        for n, t in base.items():
            if ((other[n] - t).abs().max() / t.abs().max()).item() > 1e-4:
                return False
    return True


def case_gan():
    # DCGAN from /work/shared/bench/reference_gan.py, batch 8, nz 100:
    #   gan.real [8,1,28,28] uniform [-1,1], gan.z [8,100] N(0,1)
    #   G: fc [6272,100] -> bn0 (6272) -> ReLU -> view [8,128,7,7] -> deconv1 [128,64,4,4] -> bn1 (64)
    #      -> ReLU -> deconv2 [64,1,4,4] -> tanh -> [8,1,28,28]
    #   D: conv1 [64,1,4,4] -> LReLU(0.2) -> conv2 [128,64,4,4] -> bn2 (128) -> LReLU(0.2)
    #      -> flatten [8,6272] -> fc [1,6272] -> view [8] (logits)
    #   scalars: gan.loss_D, gan.loss_G, gan.D_x, gan.D_G_z1, gan.D_G_z2 (all shape [])
    # The first seed whose step is well conditioned (see well_conditioned) is used.
    gan_case("gan", "dcgan", range(1000, 1100), G_KEYS, D_KEYS)


def case_gan_mlp():
    # The MLP GAN from reference_gan.py (DCGAN init: weights N(0, 0.02), biases 0), batch 8, nz 100,
    # one step exactly as gan_step (D sees the real and the fake batch in two separate passes):
    #   gan_mlp.real [8,1,28,28] uniform [-1,1], gan_mlp.z [8,100] N(0,1)
    #   scalars gan_mlp.loss_D, .loss_G, .D_x, .D_G_z1, .D_G_z2; gan_mlp.{before,after}.{G,D}.net.{0,2,4}.*
    # ganbook runs a row-wise D over both batches at once: this checks that it is the same step.
    keys = [f"net.{i}.{k}" for i in (0, 2, 4) for k in ("weight", "bias")]
    gan_case("gan_mlp", "mlp", range(2000, 2100), keys, keys)


def gan_case(case, arch, seeds, g_keys, d_keys):
    """One reference GAN step (batch 8, nz 100) from the first seed whose step is well conditioned:
    <case>.real, .z, .before.{G,D}.*, .loss_D, .loss_G, .D_x, .D_G_z1, .D_G_z2, .after.{G,D}.*"""
    sys.path.insert(0, REFERENCE_GAN_DIR)
    import reference_gan as ref

    B = 8
    for seed in seeds:
        torch.manual_seed(seed)
        G, D = ref.build_models(torch, arch, 100)
        G.apply(lambda m: ref.dcgan_init(torch, m))
        D.apply(lambda m: ref.dcgan_init(torch, m))
        real = torch.rand(B, 1, 28, 28) * 2 - 1
        z = torch.randn(B, 100)
        if well_conditioned(G, D, real, z):
            print(f"{case}: seed {seed} is well conditioned")
            break
        print(f"{case}: seed {seed} is ill conditioned, trying the next")
    else:
        raise RuntimeError(f"no well-conditioned {arch} GAN step found")
    store(f"{case}.real", real)
    store(f"{case}.z", z)
    store_state(f"{case}.before.G", G, g_keys)
    store_state(f"{case}.before.D", D, d_keys)

    loss_d, loss_g, out_real, out_fake, out_g = gan_step(G, D, real, z)

    store(f"{case}.loss_D", loss_d)
    store(f"{case}.loss_G", loss_g)
    store(f"{case}.D_x", torch.sigmoid(out_real).mean())
    store(f"{case}.D_G_z1", torch.sigmoid(out_fake).mean())
    store(f"{case}.D_G_z2", torch.sigmoid(out_g).mean())
    store_state(f"{case}.after.G", G, g_keys)
    store_state(f"{case}.after.D", D, d_keys)


def case_bce_logits_weighted():
    # BCEWithLogitsLoss(weight=w) (mean of w·loss): logits [8], target 0/1 [8], weight [8] in (0, 2)
    torch.manual_seed(3000)
    logits = leaf(torch.randn(8) * 3)
    target = torch.randint(0, 2, (8,)).float()
    weight = torch.rand(8) * 2
    loss = nn.BCEWithLogitsLoss(weight=weight)(logits, target)
    loss.backward()
    store("bce_logits_w.logits", logits)
    store("bce_logits_w.target", target)
    store("bce_logits_w.weight", weight)
    store("bce_logits_w.out", loss)
    store("bce_logits_w.grad.logits", logits.grad)


# ----------------------------------------------------------------------------- file I/O
def tensor_bytes(t):
    a = array.array("f", t.reshape(-1).tolist())
    assert a.itemsize == 4
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def write_safetensors(path, tensors, metadata):
    header = OrderedDict()
    header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in tensors.items():
        b = tensor_bytes(t)
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((8 - (8 + len(hjson)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(hjson).to_bytes(8, "little"))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Minimal stdlib reader: returns (metadata, OrderedDict name -> (shape, list of floats))."""
    with open(path, "rb") as f:
        buf = f.read()
    n = int.from_bytes(buf[:8], "little")
    assert (8 + n) % 8 == 0, "header not padded to a multiple of 8"
    header = json.loads(buf[8:8 + n].decode("utf-8"), object_pairs_hook=OrderedDict)
    data = buf[8 + n:]
    meta = header.pop("__metadata__", {})
    out = OrderedDict()
    expect = 0
    for name, info in header.items():
        assert info["dtype"] == "F32", name
        begin, end = info["data_offsets"]
        assert begin == expect, f"{name}: offsets not contiguous ({begin} != {expect})"
        numel = 1
        for d in info["shape"]:
            numel *= d
        assert end - begin == 4 * numel, f"{name}: byte size does not match shape"
        a = array.array("f")
        a.frombytes(data[begin:end])
        if sys.byteorder != "little":
            a.byteswap()
        out[name] = (info["shape"], a)
        expect = end
    assert expect == len(data), f"data section is {len(data)} bytes, header covers {expect}"
    return meta, out


def main():
    for case in [case_linear, case_conv2d, case_conv2d_k4, case_conv2d_nopad, case_convt2d,
                 case_convt2d_outpad, case_bn1d, case_bn2d, case_maxpool, case_act, case_softmax,
                 case_mse, case_bce, case_bce_logits, case_cross_entropy, case_nll,
                 case_optimizers, case_gan, case_gan_mlp, case_bce_logits_weighted]:
        case()

    metadata = {
        "torch_version": torch.__version__,
        "description": "PyTorch float32 CPU reference values (layers, activations, losses, optimizers, "
                       "one DCGAN and one MLP GAN training step) generated by Tests/NNTests/Fixtures/make_fixtures.py",
    }
    write_safetensors(OUT_PATH, TENSORS, metadata)

    # verify: re-read with the stdlib reader and compare every tensor bit-for-bit
    meta, back = read_safetensors(OUT_PATH)
    assert meta == metadata
    assert list(back.keys()) == list(TENSORS.keys())
    for name, t in TENSORS.items():
        shape, a = back[name]
        assert shape == list(t.shape), name
        assert a.tolist() == array.array("f", t.reshape(-1).tolist()).tolist(), name
        assert all(v == v for v in a), f"{name} contains NaN"

    size = os.path.getsize(OUT_PATH)
    numel = sum(t.numel() for t in TENSORS.values())
    print(f"wrote {OUT_PATH}")
    print(f"{len(TENSORS)} tensors, {numel} floats, {size} bytes ({size / 1e6:.2f} MB); verified OK")
    print(f"torch {torch.__version__}")


if __name__ == "__main__":
    main()
