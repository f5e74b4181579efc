"""Checks of the Python side of benchmarks/end-to-end.sh on a tiny model (seconds, no timing):
the int8 rewrite of export_onnx.py (graph structure, weight quantization, the arithmetic of
DynamicQuantizeLinear + MatMulInteger), and bert_torch_bench.py's batch plans (every text once,
and padded batches with the attention mask give the logits of each text run alone).

    /usr/bin/python3 benchmarks/peers/test_peers.py [--counts FILE]   (FILE gets "PASSED FAILED")
"""

from __future__ import annotations

import sys
import tempfile
import types
import unittest
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "scripts" / "torch"))

import bert_torch_bench  # noqa: E402
import export_onnx  # noqa: E402
import report  # noqa: E402
from bert_reference import BertClassifier, BertConfig  # noqa: E402

LAYERS = 2


def tiny_network(seed: int = 3) -> BertClassifier:
    torch.manual_seed(seed)
    network = BertClassifier(BertConfig(40, 32, LAYERS, 4, 64, max_positions=24, labels=("a", "b", "c")))
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.normal_(0.0, 0.2)
    return network.eval()


class Int8RewriteTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import onnx

        cls.directory = tempfile.TemporaryDirectory()
        path = Path(cls.directory.name, "tiny.onnx")
        export_onnx.export_fp32(tiny_network(), path)
        cls.fp32 = onnx.load(str(path))
        cls.int8, cls.rewritten, cls.quantizers = export_onnx.rewrite_int8(onnx.load(str(path)))

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def ops(self, model):
        return [n.op_type for n in model.graph.node]

    def test_every_weight_matmul_is_rewritten(self):
        # Q, K, V, attention output, FFN in and out per layer; Q, K and V share one quantized input.
        self.assertEqual(self.rewritten, 6 * LAYERS)
        self.assertEqual(self.quantizers, 4 * LAYERS)
        ops = self.ops(self.int8)
        self.assertEqual(ops.count("MatMulInteger"), 6 * LAYERS)
        self.assertEqual(ops.count("DynamicQuantizeLinear"), 4 * LAYERS)
        self.assertEqual(ops.count("MatMul"), self.ops(self.fp32).count("MatMul") - 6 * LAYERS)  # QKᵀ and PV stay FP32
        self.assertEqual(ops.count("Gemm"), self.ops(self.fp32).count("Gemm"))  # pooler and classifier stay FP32

    def test_graph_is_valid_and_keeps_its_interface(self):
        import onnx

        onnx.checker.check_model(self.int8)
        self.assertEqual([i.name for i in self.int8.graph.input], list(export_onnx.INPUTS))
        self.assertEqual([o.name for o in self.int8.graph.output], list(export_onnx.OUTPUTS))
        used = {name for n in self.int8.graph.node for name in n.input}
        self.assertTrue(all(i.name in used for i in self.int8.graph.initializer))  # the FP32 weights are gone

    def test_weight_quantization_is_symmetric_int8_within_half_a_step(self):
        w = np.random.default_rng(5).normal(0, 0.02, (48, 96)).astype(np.float32)
        q, scale = export_onnx.quantize_weight(w)
        self.assertEqual(q.dtype, np.int8)
        self.assertEqual(int(np.abs(q).max()), 127)
        self.assertLessEqual(float(np.abs(q * scale - w).max()), scale / 2 + 1e-9)

    def test_dynamic_quantize_matmul_integer_arithmetic_approximates_the_float_product(self):
        rng = np.random.default_rng(6)
        x = rng.normal(0, 1, (16, 96)).astype(np.float32)
        w = rng.normal(0, 0.02, (96, 48)).astype(np.float32)
        xq, x_scale, x_zero = export_onnx.dynamic_quantize(x)
        wq, w_scale = export_onnx.quantize_weight(w)
        # MatMulInteger: (A - a_zero)(B - b_zero) in int32; then Cast and Mul by x_scale × w_scale.
        product = (xq.astype(np.int32) - int(x_zero)) @ wq.astype(np.int32) * (x_scale * w_scale)
        exact = x @ w
        self.assertLess(float(np.abs(product - exact).max()) / float(np.abs(exact).max()), 0.03)


class BatchPlanTests(unittest.TestCase):
    LENGTHS = [16 + 112 * i // 31 for i in range(32)][::-1]

    def test_every_plan_runs_every_text_once(self):
        for strategy in bert_torch_bench.BATCH_STRATEGIES:
            groups = bert_torch_bench.batch_plan(strategy, self.LENGTHS)
            self.assertEqual(sorted(i for g in groups for i in g), list(range(32)), strategy)
        sorted_groups = bert_torch_bench.batch_plan("sorted-8", self.LENGTHS)
        self.assertEqual([len(g) for g in sorted_groups], [8, 8, 8, 8])
        flat = [self.LENGTHS[i] for g in sorted_groups for i in g]
        self.assertEqual(flat, sorted(flat))

    def test_padded_plans_give_each_texts_own_logits(self):
        network = tiny_network()
        rng = np.random.default_rng(7)
        lengths = [3, 9, 5, 12, 7, 4, 11, 6, 10, 8]
        batch = [{"ids": [2, *rng.integers(5, 40, n - 2).tolist(), 3]} for n in lengths]
        with torch.inference_mode():
            alone = [network(torch.tensor([s["ids"]])).squeeze(0).tolist() for s in batch]
        for strategy in bert_torch_bench.BATCH_STRATEGIES:
            args = types.SimpleNamespace(batch_strategies=[strategy], batch_runs=1, threads=1, child="fp32")
            timings, logits = bert_torch_bench.time_batch(network, {"batch": batch}, args)
            self.assertEqual(timings[0]["strategy"], strategy)
            self.assertGreater(timings[0]["sequences_per_second"], 0)
            np.testing.assert_allclose(np.array(logits), np.array(alone), atol=1e-5, err_msg=strategy)


class RoundMergeTests(unittest.TestCase):
    """end-to-end.sh --rounds N: the report merges each engine's rounds."""

    @staticmethod
    def result(median, fastest, cpu, sps):
        return {"single": {"median_ms": median, "min_ms": fastest, "cpu_per_wall": cpu},
                "batch": [{"strategy": "own-length", "sequences_per_second": sps}], "single_logits": [0.1], "batch_logits": []}

    def test_median_of_round_medians_fastest_run_and_median_throughput(self):
        merged = report.merge_rounds([self.result(20.0, 18.0, 1.0, 50.0), self.result(30.0, 19.0, 1.1, 40.0),
                                      self.result(22.0, 17.5, 0.9, 45.0)])
        self.assertEqual(merged["single"]["median_ms"], 22.0)
        self.assertEqual(merged["single"]["min_ms"], 17.5)
        self.assertAlmostEqual(merged["single"]["cpu_per_wall"], 1.0)
        self.assertEqual(merged["single"]["round_medians_ms"], [20.0, 30.0, 22.0])
        self.assertEqual(merged["batch"][0]["sequences_per_second"], 45.0)
        self.assertEqual(merged["single_logits"], [0.1])

    def test_one_round_is_kept_as_it_is(self):
        only = self.result(20.0, 18.0, 1.0, 50.0)
        self.assertIs(report.merge_rounds([only]), only)

    def test_rounds_load_in_order_from_one_folder(self):
        names = ["edgebert.r10.json", "edgebert.r2.json", "edgebert.json", "torch-1.r1.json", "edgebert.r1.json"]
        ordered = sorted((Path(n) for n in names), key=report.round_order)
        self.assertEqual([p.name for p in ordered],
                         ["edgebert.json", "edgebert.r1.json", "edgebert.r2.json", "edgebert.r10.json", "torch-1.r1.json"])


if __name__ == "__main__":
    from test_reference import main  # scripts/torch's runner: unittest on this module, "PASSED FAILED" into --counts

    sys.exit(main())
