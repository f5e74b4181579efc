#!/usr/bin/env python3
"""Reference for the trainer's autograd: one post-LN BERT layer (HF BertLayer semantics) in PyTorch.

Usage: bert_layer_check.py DIR

DIR/manifest.json lists the configuration, the inputs (x [B, L, H], the additive mask
[B, 1, 1, L], the loss weights r [B, L, H]) and the parameters under their EdgeBert names, each
stored as DIR/<name>.f32 (raw little-endian float32, row-major). The script evaluates
out = BertLayer(x, mask) with dropout off, the loss sum(out * r), and its gradients, once in
float32 and once in float64, and writes for each precision P in {float32, float64}:
  DIR/P/out.f32           the layer output
  DIR/P/grad.<name>.f32   d loss / d parameter, for every parameter, and grad.x.f32 for the input
Exit status: 0 on success, 2 on bad input, 3 when torch or numpy cannot be imported.
"""
import json
import math
import os
import sys

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the caller decides whether a missing torch is a failure
    print(f"bert_layer_check: cannot import torch/numpy: {e}", file=sys.stderr)
    sys.exit(3)


def load(directory, name, shape):
    data = np.fromfile(os.path.join(directory, name + ".f32"), dtype="<f4")
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{name}: {data.size} values for shape {shape}")
    return data.reshape(shape)


def bert_layer(x, mask, p, heads, eps):
    """HF BertLayer (post-LN) written with functional ops: attention, add & LN, FFN (GELU), add & LN."""
    b, l, h = x.shape
    d = h // heads

    def linear(t, name):
        return F.linear(t, p[name + ".weight"], p[name + ".bias"])

    def split(t):
        return t.view(b, l, heads, d).permute(0, 2, 1, 3)

    q = split(linear(x, "attention.query"))
    k = split(linear(x, "attention.key"))
    v = split(linear(x, "attention.value"))
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
    probs = torch.softmax(scores + mask, dim=-1)
    context = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(b, l, h)
    attended = linear(context, "attention.output")
    h1 = F.layer_norm(x + attended, (h,), p["attention.ln.gamma"], p["attention.ln.beta"], eps)
    f = linear(F.gelu(linear(h1, "ffn.in")), "ffn.out")
    return F.layer_norm(h1 + f, (h,), p["ffn.ln.gamma"], p["ffn.ln.beta"], eps)


def run(directory, manifest, dtype, out_dir):
    cfg = manifest["config"]
    inputs = {n: torch.tensor(load(directory, n, s), dtype=dtype) for n, s in manifest["inputs"].items()}
    params = {n: torch.tensor(load(directory, n, s), dtype=dtype, requires_grad=True)
              for n, s in manifest["parameters"].items()}
    x = inputs["x"].clone().requires_grad_(True)
    out = bert_layer(x, inputs["mask"], params, cfg["heads"], cfg["eps"])
    loss = (out * inputs["r"]).sum()
    loss.backward()
    os.makedirs(out_dir, exist_ok=True)

    def save(name, t):
        t.detach().to(torch.float32).numpy().astype("<f4").tofile(os.path.join(out_dir, name + ".f32"))

    save("out", out)
    save("grad.x", x.grad)
    for name, t in params.items():
        save("grad." + name, t.grad)


def check_main(prog, doc, run_one):
    """Shared CLI of the *_check.py references: DIR argument, manifest, float32 then float64 runs."""
    torch.set_num_threads(1)  # tiny tensors; avoid competing with the test runner for cores
    if len(sys.argv) != 2:
        print(doc, file=sys.stderr)
        return 2
    directory = sys.argv[1]
    try:
        with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        for dtype, name in ((torch.float32, "float32"), (torch.float64, "float64")):
            run_one(directory, manifest, dtype, os.path.join(directory, name))
    except (OSError, ValueError, KeyError) as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    print(f"{prog}: torch {torch.__version__}, wrote float32/ and float64/ under {directory}")
    return 0


def main():
    return check_main("bert_layer_check", __doc__, run)


if __name__ == "__main__":
    sys.exit(main())
