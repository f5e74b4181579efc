#!/usr/bin/python3
"""An FP32 .ebm (e.g. models/spam-fp32-teacher.ebm) as a trainer model directory.

Writes config.json, vocab.txt and model.safetensors (F32, the .ebm's tensor names, which are the
model file's), so `quantize --teacher DIR` can start from a shipped teacher without retraining it.
The .ebm does not record dropout; the trainer's default 0.1 is written. Usage:
    /usr/bin/python3 scripts/torch/ebm_to_model_dir.py models/spam-fp32-teacher.ebm runs/spam-teacher-from-ebm
"""
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ebm import read_ebm  # noqa: E402


def main(source: str, out: str) -> None:
    m = read_ebm(source)
    arch, meta = m.architecture, m.metadata
    layers = meta.get("layers", [])
    if any(layer.get("weightBits", 32) != 32 for layer in layers):
        raise SystemExit(f"{source}: a quantized .ebm; only FP32 models can become a model directory")
    tok = meta.get("tokenizer", {})
    config = {
        "vocabSize": arch["vocabSize"], "hidden": arch["hiddenSize"], "layers": arch["layers"], "heads": arch["heads"],
        "headSize": arch.get("headSize", 0) or 0, "hiddenAct": arch.get("activation", "gelu"), "ffn": arch["ffnSize"],
        "maxPositions": arch["maxPositions"], "typeVocabSize": arch.get("typeVocabSize", 2),
        "hiddenDropout": 0.1, "attentionDropout": 0.1, "layerNormEps": arch.get("layerNormEps", 1e-12),
        "labels": meta["labels"], "lowercase": tok.get("lowercase", True), "maxSequenceLength": tok.get("maxLength", 128),
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(out, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("".join(t + "\n" for t in m.vocabulary))
    header, blobs, offset = {}, [], 0
    for name in sorted(m.tensors):
        data = np.ascontiguousarray(m.f32(name), dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(m.f32(name).shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for data in blobs:
            f.write(data)
    print(f"{source} -> {out}: {len(m.tensors)} tensors, {config['layers']}x{config['hidden']}, labels {config['labels']}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
