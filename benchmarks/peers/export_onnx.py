"""The ONNX Runtime peers of benchmarks/end-to-end.sh (issue #13), from the harness's FP32 .ebm:

  bert-fp32.onnx  torch.onnx.export of the PyTorch reference (scripts/torch/bert_reference.py)
                  loaded with the .ebm's weights; inputs input_ids, token_type_ids, attention_mask
                  (int64 [batch, tokens], both axes dynamic); outputs logits [batch, labels] and
                  pooled [batch, hidden].
  bert-int8.onnx  the same graph with every MatMul whose weight is an initializer rewritten the
                  way ONNX Runtime's dynamic quantization (quantize_dynamic, QOperator format,
                  int8 weights, per tensor) writes it: DynamicQuantizeLinear on the activation
                  (one per distinct input, shared by Q, K and V), MatMulInteger with the int8
                  weight, Cast to float, Mul by activation scale × weight scale. ORT fuses that
                  into DynamicQuantizeMatMul when graph optimisations are on. Gemm nodes (the
                  pooler and the classifier on [batch, hidden]) stay FP32, as ORT leaves them.

    /usr/bin/python3 benchmarks/peers/export_onnx.py --model DIR/model-fp32.ebm --out DIR

Needs Debian's python3-torch (1.13) and python3-onnx (1.12). Prints one summary line per file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts" / "torch"))

OPSET = 14
INPUTS = ("input_ids", "token_type_ids", "attention_mask")
OUTPUTS = ("logits", "pooled")


def export_fp32(network, path: Path, tokens: int = 8) -> None:
    """torch.onnx.export of network (a BertClassifier) with logits and pooled as outputs."""
    import torch

    class WithPooled(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, token_type_ids, attention_mask):
            _, pooled = self.inner.encode(input_ids, token_type_ids, attention_mask)
            return self.inner.head(pooled), pooled

    ids = torch.full((2, tokens), 5, dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
    axes.update({name: {0: "batch"} for name in OUTPUTS})
    with torch.no_grad():
        torch.onnx.export(WithPooled(network.eval()), (ids, torch.zeros_like(ids), torch.ones_like(ids)), str(path),
                          input_names=list(INPUTS), output_names=list(OUTPUTS), dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)


def quantize_weight(weight: np.ndarray) -> tuple[np.ndarray, np.float32]:
    """Symmetric per-tensor int8 (ORT's QInt8 weights): q = round(w / s) in [-127, 127], s = max|w| / 127."""
    scale = np.float32(max(float(np.abs(weight).max()), 1e-12) / 127.0)
    return np.clip(np.rint(weight / scale), -127, 127).astype(np.int8), scale


def dynamic_quantize(x: np.ndarray) -> tuple[np.ndarray, np.float32, np.uint8]:
    """ONNX DynamicQuantizeLinear: uint8 with the range [min(x, 0), max(x, 0)] (the test's model of the graph)."""
    low, high = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = np.float32((high - low) / 255.0) if high > low else np.float32(1.0)
    zero = np.uint8(np.clip(np.rint(-low / scale), 0, 255))
    return np.clip(np.rint(x / scale) + zero, 0, 255).astype(np.uint8), scale, zero


def rewrite_int8(model):
    """Returns (model, rewritten MatMul count, DynamicQuantizeLinear count); model is changed in place."""
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    quantized_inputs: dict[str, tuple[str, str, str]] = {}
    nodes, rewritten = [], 0
    for node in graph.node:
        weight = initializers.get(node.input[1]) if node.op_type == "MatMul" else None
        if weight is None or weight.data_type != TensorProto.FLOAT or len(weight.dims) != 2:
            nodes.append(node)
            continue
        x = node.input[0]
        if x not in quantized_inputs:
            names = (f"{x}_quantized", f"{x}_scale", f"{x}_zero_point")
            nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(names), name=f"{x}_DynamicQuantizeLinear"))
            quantized_inputs[x] = names
        x_q, x_scale, x_zero = quantized_inputs[x]
        w_q, w_scale = quantize_weight(numpy_helper.to_array(weight))
        base = node.name or node.output[0]
        graph.initializer.extend([
            numpy_helper.from_array(w_q, f"{weight.name}_quantized"),
            numpy_helper.from_array(np.array(w_scale, dtype=np.float32), f"{weight.name}_scale"),
            numpy_helper.from_array(np.array(0, dtype=np.int8), f"{weight.name}_zero_point"),
        ])
        nodes.extend([
            helper.make_node("MatMulInteger", [x_q, f"{weight.name}_quantized", x_zero, f"{weight.name}_zero_point"],
                             [f"{base}_output_quantized"], name=f"{base}_quant"),
            helper.make_node("Cast", [f"{base}_output_quantized"], [f"{base}_output_quantized_cast"],
                             to=TensorProto.FLOAT, name=f"{base}_cast"),
            helper.make_node("Mul", [x_scale, f"{weight.name}_scale"], [f"{base}_scales_mul"], name=f"{base}_scales_mul"),
            helper.make_node("Mul", [f"{base}_output_quantized_cast", f"{base}_scales_mul"], list(node.output),
                             name=f"{base}_output_scale_mul"),
        ])
        rewritten += 1
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for n in graph.node for name in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return model, rewritten, len(quantized_inputs)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, help="the harness's FP32 .ebm (EdgeBert.Peers prepare)")
    p.add_argument("--out", required=True, help="folder for bert-fp32.onnx and bert-int8.onnx")
    args = p.parse_args(argv)
    import onnx
    import torch

    from bert_reference import from_ebm
    from ebm import EbmFormatError, read_ebm

    torch.set_num_threads(1)
    try:
        network = from_ebm(read_ebm(args.model))
    except (OSError, EbmFormatError, ValueError) as e:
        print(f"export_onnx: {e}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fp32, int8 = out / "bert-fp32.onnx", out / "bert-int8.onnx"
    export_fp32(network, fp32)
    model = onnx.load(str(fp32))
    onnx.checker.check_model(model)
    print(f"  {fp32.name}: opset {OPSET}, {len(model.graph.node)} nodes, {fp32.stat().st_size / 2**20:.0f} MiB (torch {torch.__version__})")
    model, rewritten, quantizers = rewrite_int8(model)
    onnx.checker.check_model(model)
    onnx.save(model, str(int8))
    print(f"  {int8.name}: {rewritten} weight MatMuls → MatMulInteger, {quantizers} DynamicQuantizeLinear, "
          f"{int8.stat().st_size / 2**20:.0f} MiB (onnx {onnx.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
