#!/usr/bin/env python3
"""PyTorch peer of `edgebert-train bench`: forward+backward tokens/s of a BERT classifier.

Same model as the trainer's BertModel (post-LN layers, GELU erf, pooler tanh on [CLS],
classifier, dropout 0.1 in train mode), same default shape (4 layers, hidden 256, 4 heads,
FFN 1024, batch 8 x 128 tokens, vocabulary 30522) and 2 threads. Run with the system
Python that has torch (OpenBLAS):

    /usr/bin/python3 benchmarks/peers/torch_train_bench.py [--steps 10] [--threads 2]

Prints one line in the same form as the C# harness. Smoke-run only on shared machines.
"""
import argparse
import math
import resource
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn


class Layer(nn.Module):
    def __init__(self, h, heads, ffn, p):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.output = (nn.Linear(h, h) for _ in range(4))
        self.attention_ln = nn.LayerNorm(h, eps=1e-12)
        self.ffn_in, self.ffn_out = nn.Linear(h, ffn), nn.Linear(ffn, h)
        self.ffn_ln = nn.LayerNorm(h, eps=1e-12)
        self.dropout = nn.Dropout(p)

    def forward(self, x, mask):
        b, l, h = x.shape
        d = h // self.heads

        def split(t):
            return t.view(b, l, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        probs = self.dropout(torch.softmax(scores + mask, dim=-1))
        context = (probs @ v).transpose(1, 2).reshape(b, l, h)
        x = self.attention_ln(x + self.dropout(self.output(context)))
        return self.ffn_ln(x + self.dropout(self.ffn_out(F.gelu(self.ffn_in(x)))))


class Bert(nn.Module):
    def __init__(self, vocab, h, layers, heads, ffn, positions, labels, p=0.1):
        super().__init__()
        self.word, self.position, self.token_type = nn.Embedding(vocab, h), nn.Embedding(positions, h), nn.Embedding(2, h)
        self.ln = nn.LayerNorm(h, eps=1e-12)
        self.dropout = nn.Dropout(p)
        self.layers = nn.ModuleList(Layer(h, heads, ffn, p) for _ in range(layers))
        self.pooler, self.classifier = nn.Linear(h, h), nn.Linear(h, labels)

    def forward(self, ids, types, keep):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.dropout(self.ln(self.word(ids) + self.position(positions) + self.token_type(types)))
        mask = (1.0 - keep[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, mask)
        return self.classifier(self.dropout(torch.tanh(self.pooler(x[:, 0]))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=1024)
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--vocab-size", type=int, default=30522)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup-steps", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    if min(a.steps, a.batch_size, a.threads) < 1 or a.warmup_steps < 0:
        ap.error("--steps, --batch-size and --threads must be at least 1, --warmup-steps at least 0")

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = Bert(a.vocab_size, a.hidden, a.layers, a.heads, a.ffn, a.seq_len, 2).train()
    ids = torch.randint(5, a.vocab_size, (a.batch_size, a.seq_len))
    types = torch.zeros_like(ids)
    keep = torch.ones_like(ids)
    labels = torch.randint(0, 2, (a.batch_size,))
    times = []
    for i in range(a.warmup_steps + a.steps):
        start = time.perf_counter()
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(ids, types, keep), labels).backward()
        if i >= a.warmup_steps:
            times.append(time.perf_counter() - start)

    median = statistics.median(times)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"torch bench: {a.layers} layers, hidden {a.hidden}, heads {a.heads}, ffn {a.ffn}, batch {a.batch_size}x{a.seq_len}, "
          f"{a.threads} threads (torch {torch.__version__}): median {median * 1000:.1f} ms/step, "
          f"{a.batch_size * a.seq_len / median:.0f} tokens/s (forward+backward), peak RSS {rss_mib} MiB")


if __name__ == "__main__":
    main()
