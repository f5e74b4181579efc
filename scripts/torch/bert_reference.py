"""The EdgeBert BERT encoder in plain torch.nn (no transformers package): the reference the C#
runtime's FP32 logits are compared with (issue #4), and the PyTorch peer of the benchmarks.

HF BERT semantics (post-LN):
  embeddings  LN(word[ids] + position[0..M) + token_type[type_ids])
  each layer  a = LN(x + Output(Attention(x)));  x = LN(a + FfnOut(act(FfnIn(a))))
  attention   softmax(Q·Kᵀ / sqrt(H/heads) + mask) · V per head, with the additive mask
              (1 − attention_mask) × −10000 (the classic BERT value; the CLI runs every sequence
              unpadded, so its mask is all ones and the value never matters)
  act         GELU in its erf form (torch's default, as BERT) or ReLU, per architecture.activation
  pooling     "pooler": tanh(W·h[CLS] + b); "cls": h[CLS]; "mean": mean of the hidden states
  head        classifier.weight/bias on the pooled vector (logits in the order of metadata labels);
              a model without labels outputs the pooled vector instead
LayerNorm eps comes from architecture.layerNormEps. Weights load from an .ebm by the tensor names
of docs/format.md; packed weights (f16, i8, binary, ternary) are dequantized, which is exact only
for weight-only quantization, so layers that quantize activations (activationBits < 32) and
Bi-Attention are refused rather than silently approximated.

CLI (exit 0 on success, 2 on bad input with a one-line message on stderr):
  bert_reference.py logits --model M.ebm --input ids.json --output logits.json [--float64] [--hidden]
  bert_reference.py info --model M.ebm
ids.json: [{"ids": [2, 17, 3], "type_ids": [0, 0, 0]}, ...]  (type_ids optional: zeros)
logits.json: {"model": ..., "dtype": "float32"|"float64", "labels": [...],
              "logits": [[...one row per input sequence...], ...]}
             with --hidden also "pooled": [[H floats] per sequence] and
             "hidden": [[[H floats] per token] per sequence] (last encoder layer, after its LayerNorm)
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Sequence

import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ebm import EbmFormatError, EbmModel, read_ebm  # noqa: E402

MASK_VALUE = -10000.0


class BertConfig:
    """The architecture members of .ebm metadata that shape the network."""

    def __init__(self, vocab_size: int, hidden_size: int, layers: int, heads: int, ffn_size: int,
                 max_positions: int, type_vocab_size: int = 2, activation: str = "gelu",
                 layer_norm_eps: float = 1e-12, pooling: str = "pooler", labels: Sequence[str] = ("ham", "spam"),
                 head_size: int | None = None):
        if head_size is None and hidden_size % heads:
            raise ValueError(f"heads {heads} must divide hidden size {hidden_size}")
        # Optional metadata headSize: a width-pruned model's heads keep their size (heads × head_size ≠ hidden).
        self.head_size = head_size if head_size is not None else hidden_size // heads
        if activation not in ("gelu", "relu"):
            raise ValueError(f"activation '{activation}' is not gelu or relu")
        if pooling not in ("pooler", "cls", "mean"):
            raise ValueError(f"pooling '{pooling}' is not pooler, cls or mean")
        self.vocab_size, self.hidden_size, self.layers, self.heads = vocab_size, hidden_size, layers, heads
        self.ffn_size, self.max_positions, self.type_vocab_size = ffn_size, max_positions, type_vocab_size
        self.activation, self.layer_norm_eps, self.pooling = activation, layer_norm_eps, pooling
        self.labels = list(labels)

    @staticmethod
    def from_metadata(metadata: dict[str, Any]) -> "BertConfig":
        a = metadata["architecture"]
        return BertConfig(a["vocabSize"], a["hiddenSize"], a["layers"], a["heads"], a["ffnSize"],
                          a["maxPositions"], a["typeVocabSize"], a["activation"], float(a["layerNormEps"]),
                          a["pooling"], metadata["labels"], a.get("headSize"))


class BertEmbeddings(nn.Module):
    """word + position + token_type, then LayerNorm."""

    def __init__(self, c: BertConfig):
        super().__init__()
        self.word = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position = nn.Embedding(c.max_positions, c.hidden_size)
        self.token_type = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, ids: torch.Tensor, type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(ids.shape[-1], device=ids.device)
        return self.ln(self.word(ids) + self.position(positions) + self.token_type(type_ids))


class BertSelfAttention(nn.Module):
    """Multi-head scaled dot-product attention with the output projection and post-LN."""

    def __init__(self, c: BertConfig):
        super().__init__()
        self.heads = c.heads
        self.head_size = c.head_size
        width = c.heads * c.head_size
        self.query = nn.Linear(c.hidden_size, width)
        self.key = nn.Linear(c.hidden_size, width)
        self.value = nn.Linear(c.hidden_size, width)
        self.output = nn.Linear(width, c.hidden_size)
        self.ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        """[B, M, heads·d] → [B, heads, M, d]."""
        b, m, _ = x.shape
        return x.view(b, m, self.heads, self.head_size).transpose(1, 2)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_size) + additive_mask
        context = torch.softmax(scores, dim=-1) @ v
        b, _, m, _ = context.shape
        context = context.transpose(1, 2).reshape(b, m, self.heads * self.head_size)
        return self.ln(x + self.output(context))


class BertFfn(nn.Module):
    """in → GELU/ReLU → out, residual and post-LN."""

    def __init__(self, c: BertConfig):
        super().__init__()
        setattr(self, "in", nn.Linear(c.hidden_size, c.ffn_size))  # "in" is a keyword: the .ebm name
        self.out = nn.Linear(c.ffn_size, c.hidden_size)
        self.ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.activation = F.gelu if c.activation == "gelu" else F.relu

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.ln(x + self.out(self.activation(getattr(self, "in")(x))))


class BertLayer(nn.Module):
    """One post-LN encoder layer."""

    def __init__(self, c: BertConfig):
        super().__init__()
        self.attention = BertSelfAttention(c)
        self.ffn = BertFfn(c)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor) -> torch.Tensor:
        return self.ffn(self.attention(x, additive_mask))


class BertClassifier(nn.Module):
    """Embeddings, encoder layers, pooling and classifier; parameter names are the .ebm names."""

    def __init__(self, c: BertConfig):
        super().__init__()
        self.config = c
        self.embeddings = BertEmbeddings(c)
        self.layer = nn.ModuleList(BertLayer(c) for _ in range(c.layers))
        self.pooler = nn.Linear(c.hidden_size, c.hidden_size)
        self.classifier = nn.Linear(c.hidden_size, len(c.labels)) if c.labels else None

    def encode(self, ids: torch.Tensor, type_ids: torch.Tensor | None = None,
               attention_mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """ids, type_ids, attention_mask [B, M] → (last hidden states [B, M, H], pooled [B, H])."""
        if type_ids is None:
            type_ids = torch.zeros_like(ids)
        if attention_mask is None:
            attention_mask = torch.ones_like(ids)
        x = self.embeddings(ids, type_ids)
        mask = attention_mask.to(x.dtype)
        additive = ((1.0 - mask) * MASK_VALUE)[:, None, None, :]
        for layer in self.layer:
            x = layer(x, additive)
        if self.config.pooling == "mean":
            pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True)
        elif self.config.pooling == "cls":
            pooled = x[:, 0]
        else:
            pooled = torch.tanh(self.pooler(x[:, 0]))
        return x, pooled

    def head(self, pooled: torch.Tensor) -> torch.Tensor:
        """Logits [B, C] from the pooled vector; the pooled vector itself without labels."""
        return self.classifier(pooled) if self.classifier is not None else pooled

    def forward(self, ids: torch.Tensor, type_ids: torch.Tensor | None = None,
                attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """ids, type_ids, attention_mask: [B, M] → logits [B, C] (pooled [B, H] without labels)."""
        return self.head(self.encode(ids, type_ids, attention_mask)[1])


def ebm_state_dict_names(c: BertConfig) -> dict[str, str]:
    """Module parameter name → .ebm tensor name (they differ only for LayerNorm and embeddings)."""
    names = {
        "embeddings.word.weight": "embeddings.word",
        "embeddings.position.weight": "embeddings.position",
        "embeddings.token_type.weight": "embeddings.token_type",
        "embeddings.ln.weight": "embeddings.ln.gamma",
        "embeddings.ln.bias": "embeddings.ln.beta",
        "pooler.weight": "pooler.weight",
        "pooler.bias": "pooler.bias",
    }
    for i in range(c.layers):
        for linear in ("attention.query", "attention.key", "attention.value", "attention.output", "ffn.in", "ffn.out"):
            for part in ("weight", "bias"):
                names[f"layer.{i}.{linear}.{part}"] = f"layer.{i}.{linear}.{part}"
        for ln in ("attention.ln", "ffn.ln"):
            names[f"layer.{i}.{ln}.weight"] = f"layer.{i}.{ln}.gamma"
            names[f"layer.{i}.{ln}.bias"] = f"layer.{i}.{ln}.beta"
    if c.labels:
        names["classifier.weight"] = "classifier.weight"
        names["classifier.bias"] = "classifier.bias"
    return names


def from_ebm(model: EbmModel, dtype: torch.dtype = torch.float32) -> BertClassifier:
    """Builds the network of an .ebm and loads every weight; ValueError when it cannot be exact."""
    arch = model.metadata["architecture"]
    if arch["attention"] != "softmax":
        raise ValueError(f"{model.path}: attention '{arch['attention']}' is not modelled by this FP reference (softmax only)")
    for i, scheme in enumerate(model.metadata["layers"]):
        if scheme["activationBits"] < 32:
            raise ValueError(f"{model.path}: layer {i} quantizes activations to {scheme['activationBits']} bits; "
                             "this reference runs float activations only")
    config = BertConfig.from_metadata(model.metadata)
    network = BertClassifier(config)
    parameters = dict(network.named_parameters())
    names = ebm_state_dict_names(config)
    missing = [t for t in names.values() if t not in model.tensors]
    if missing:
        raise ValueError(f"{model.path}: missing tensors {missing}")
    with torch.no_grad():
        for parameter_name, tensor_name in names.items():
            values = torch.from_numpy(model.f32(tensor_name).copy())
            target = parameters[parameter_name]
            if tuple(values.shape) != tuple(target.shape):
                raise ValueError(f"{model.path}: tensor '{tensor_name}' has shape {list(values.shape)}, "
                                 f"the network needs {list(target.shape)}")
            target.copy_(values)
    return network.to(dtype).eval()


def parse_sequences(document: Any, c: BertConfig) -> list[tuple[list[int], list[int]]]:
    """Validates ids.json: a list of {"ids": [...], "type_ids": [...]} within the model's sizes."""
    if not isinstance(document, list) or not document:
        raise ValueError("input must be a non-empty JSON list of {\"ids\": [...], \"type_ids\": [...]} objects")
    sequences = []
    for n, item in enumerate(document):
        if not isinstance(item, dict) or "ids" not in item:
            raise ValueError(f"sequence {n}: expected an object with an 'ids' list")
        ids = item["ids"]
        type_ids = item.get("type_ids", [0] * len(ids) if isinstance(ids, list) else None)
        for key, values, limit in (("ids", ids, c.vocab_size), ("type_ids", type_ids, c.type_vocab_size)):
            if not isinstance(values, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                raise ValueError(f"sequence {n}: '{key}' must be a list of integers")
            bad = [v for v in values if not 0 <= v < limit]
            if bad:
                raise ValueError(f"sequence {n}: {key} value {bad[0]} is outside 0..{limit - 1}")
        if not 1 <= len(ids) <= c.max_positions:
            raise ValueError(f"sequence {n}: {len(ids)} tokens, expected 1..{c.max_positions} (maxPositions)")
        if len(type_ids) != len(ids):
            raise ValueError(f"sequence {n}: {len(type_ids)} type_ids for {len(ids)} ids")
        sequences.append((ids, type_ids))
    return sequences


def run_logits(network: BertClassifier, sequences: list[tuple[list[int], list[int]]]) -> list[list[float]]:
    """Each sequence alone (batch 1, no padding), so the mask is all ones as in the runtime."""
    return [row["logits"] for row in run_sequences(network, sequences, hidden=False)]


def run_sequences(network: BertClassifier, sequences: list[tuple[list[int], list[int]]],
                  hidden: bool) -> list[dict[str, Any]]:
    """Logits per sequence, with the pooled vector and last hidden states [M][H] when hidden."""
    rows = []
    with torch.no_grad():
        for ids, type_ids in sequences:
            states, pooled = network.encode(torch.tensor([ids]), torch.tensor([type_ids]))
            row: dict[str, Any] = {"logits": [float(v) for v in network.head(pooled)[0].tolist()]}
            if hidden:
                row["pooled"] = [float(v) for v in pooled[0].tolist()]
                row["hidden"] = [[float(v) for v in token] for token in states[0].tolist()]
            rows.append(row)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    logits = commands.add_parser("logits", help="run sequences of token ids through the model")
    logits.add_argument("--model", required=True, help=".ebm model file")
    logits.add_argument("--input", required=True, help="JSON list of {ids, type_ids}")
    logits.add_argument("--output", required=True, help="JSON file to write (- for stdout)")
    logits.add_argument("--float64", action="store_true", help="compute in float64 instead of float32")
    logits.add_argument("--hidden", action="store_true",
                        help="also write each sequence's pooled vector and last-layer hidden states")
    info = commands.add_parser("info", help="print metadata and the tensor directory")
    info.add_argument("--model", required=True)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # deterministic reductions, and the machine is shared
    try:
        model = read_ebm(args.model)
        if args.command == "info":
            print(json.dumps(model.metadata, indent=2))
            for t in model.tensors.values():
                print(f"{t.name:45} {t.dtype:8} {list(t.shape)} scales={t.scale_kind}")
            return 0
        dtype = torch.float64 if args.float64 else torch.float32
        network = from_ebm(model, dtype)
        with open(args.input, encoding="utf-8") as f:
            sequences = parse_sequences(json.load(f), network.config)
        rows = run_sequences(network, sequences, args.hidden)
        result: dict[str, Any] = {
            "model": str(args.model),
            "dtype": "float64" if args.float64 else "float32",
            "labels": network.config.labels,
            "logits": [row["logits"] for row in rows],
        }
        if args.hidden:
            result["pooled"] = [row["pooled"] for row in rows]
            result["hidden"] = [row["hidden"] for row in rows]
    except (EbmFormatError, ValueError, OSError) as error:  # json.JSONDecodeError is a ValueError
        print(f"bert_reference: {error}", file=sys.stderr)
        return 2
    text = json.dumps(result)
    if args.output == "-":
        print(text)
    else:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
