#!/usr/bin/env python3
"""Reference for the TorchSharp trainer model: a whole BERT classifier in PyTorch, with gradients.

Usage: bert_model_check.py DIR

DIR/manifest.json lists the configuration (layers, hidden, heads, headSize, ffn, eps, activation),
the inputs (ids, type_ids and keep [B, L] stored as float32 holding integers; r [B, L, H] and
s [B, labels], the loss weights) and the parameters under their EdgeBert names
(embeddings.word, layer.0.attention.query.weight, ..., pooler.weight, classifier.weight), each
stored as DIR/<name>.f32 (raw little-endian float32, row-major). The model is HF BERT, post-LN,
dropout off (the semantics of scripts/torch/README.md): embeddings LN(word + position + type),
per layer attention with the additive mask (1 - keep) * -10000, add & LN, FFN (erf GELU or ReLU),
add & LN; pooled = tanh(pooler(h[CLS])), logits = classifier(pooled). The loss is
sum(hidden * r) + sum(logits * s), so every parameter gets a gradient. For each precision P in
{float32, float64} it writes DIR/P/hidden.f32, DIR/P/logits.f32 and DIR/P/grad.<name>.f32 for
every parameter.
Exit status: 0 on success, 2 on bad input, 3 when torch or numpy cannot be imported.
"""
import math
import os
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the caller decides whether a missing torch is a failure
    print(f"bert_model_check: cannot import torch: {e}", file=sys.stderr)
    sys.exit(3)

from bert_layer_check import check_main, load  # noqa: E402  (same exchange format and CLI)


def bert(ids, type_ids, keep, p, cfg):
    b, l = ids.shape
    heads, d, eps = cfg["heads"], cfg["headSize"], cfg["eps"]
    act = F.relu if cfg["activation"] == "relu" else F.gelu

    def linear(t, name):
        return F.linear(t, p[name + ".weight"], p[name + ".bias"])

    def ln(t, name):
        return F.layer_norm(t, (t.shape[-1],), p[name + ".gamma"], p[name + ".beta"], eps)

    positions = torch.arange(l).unsqueeze(0).expand(b, l)
    x = p["embeddings.word"][ids] + p["embeddings.position"][positions] + p["embeddings.token_type"][type_ids]
    x = ln(x, "embeddings.ln")
    mask = ((1.0 - keep) * -10000.0).to(x.dtype).view(b, 1, 1, l)

    def split(t):
        return t.view(b, l, heads, d).permute(0, 2, 1, 3)

    for i in range(cfg["layers"]):
        pre = f"layer.{i}."
        q = split(linear(x, pre + "attention.query"))
        k = split(linear(x, pre + "attention.key"))
        v = split(linear(x, pre + "attention.value"))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d)
        probs = torch.softmax(scores + mask, dim=-1)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(b, l, heads * d)
        h = ln(x + linear(context, pre + "attention.output"), pre + "attention.ln")
        x = ln(h + linear(act(linear(h, pre + "ffn.in")), pre + "ffn.out"), pre + "ffn.ln")
    pooled = torch.tanh(linear(x[:, 0], "pooler"))
    return x, linear(pooled, "classifier")


def run(directory, manifest, dtype, out_dir):
    inputs = {n: load(directory, n, s) for n, s in manifest["inputs"].items()}
    ids = torch.tensor(inputs["ids"]).long()
    type_ids = torch.tensor(inputs["type_ids"]).long()
    keep = torch.tensor(inputs["keep"], dtype=dtype)
    params = {n: torch.tensor(load(directory, n, s), dtype=dtype, requires_grad=True)
              for n, s in manifest["parameters"].items()}
    hidden, logits = bert(ids, type_ids, keep, params, manifest["config"])
    loss = (hidden * torch.tensor(inputs["r"], dtype=dtype)).sum() + (logits * torch.tensor(inputs["s"], dtype=dtype)).sum()
    loss.backward()
    os.makedirs(out_dir, exist_ok=True)

    def save(name, t):
        t.detach().to(torch.float32).numpy().astype("<f4").tofile(os.path.join(out_dir, name + ".f32"))

    save("hidden", hidden)
    save("logits", logits)
    for name, t in params.items():
        save("grad." + name, t.grad)


def main():
    return check_main("bert_model_check", __doc__, run)


if __name__ == "__main__":
    sys.exit(main())
