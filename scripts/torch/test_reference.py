"""Self-checks of the Python side of EdgeBert's PyTorch parity: ebm.py and bert_reference.py.

Run by scripts/test.d/torch-reference.sh, which writes a model with
  edgebert-train random-model --layers 2 --hidden 48 --heads 4 --ffn 80 --max-positions 40
                              --labels neg,neu,pos --seed 7
and passes its path in EDGEBERT_TEST_EBM (the tests that need it are skipped without it).
  /usr/bin/python3 scripts/torch/test_reference.py [--counts FILE] [unittest args]
writes "PASSED FAILED" into FILE.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bert_reference as ref  # noqa: E402
import compare_logits  # noqa: E402
import ebm  # noqa: E402

RANDOM_MODEL = os.environ.get("EDGEBERT_TEST_EBM")
# The options torch-reference.sh passes to random-model.
RANDOM_OPTIONS = {"layers": 2, "hidden": 48, "heads": 4, "ffn": 80, "max_positions": 40, "labels": ["neg", "neu", "pos"]}
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


# ----------------------------------------------------------------------------------------------
# A test-only assembler of .ebm bytes, so packed dtypes and defects can be exercised: the trainer's
# random-model writes f32 only. It places bytes as docs/format.md lays them out; what it places is
# written by hand in each test.


def default_metadata() -> dict:
    # Complete metadata: the C# reader (System.Text.Json source generation) leaves members that
    # are missing at default(T) instead of their declared defaults, so files meant for it spell all out.
    return {
        "architecture": {"vocabSize": 5, "hiddenSize": 4, "layers": 1, "heads": 1, "ffnSize": 8, "maxPositions": 8,
                         "typeVocabSize": 2, "activation": "gelu", "attention": "softmax", "layerNormEps": 1e-12,
                         "pooling": "pooler"},
        "layers": [{"weightBits": 32, "activationBits": 32, "method": "none"}],
        "labels": [],
        "tokenizer": {"lowercase": True, "stripAccents": True, "tokenizeChineseChars": True, "maxLength": 8,
                      "maxCharsPerWord": 100, "continuationPrefix": "##", "unkToken": "[UNK]", "clsToken": "[CLS]",
                      "sepToken": "[SEP]", "padToken": "[PAD]", "maskToken": "[MASK]"},
        "provenance": {"trainerVersion": "test", "method": "none"},
    }


def build_ebm(entries, metadata=None, vocabulary=None, format_version=1, data_hook=None) -> bytearray:
    """entries: (name, dtype code, scale kind code, shape, data bytes, scales)."""
    metadata = metadata or default_metadata()
    vocabulary = vocabulary or SPECIALS
    pad = lambda n, a: (n + a - 1) // a * a  # noqa: E731
    meta = json.dumps(metadata).encode()
    vocab = "".join(t + "\n" for t in vocabulary).encode()
    directory = bytearray()
    data = bytearray()
    for name, dtype, scale_kind, shape, payload, scales in entries:
        offset = len(data)
        data += payload + bytes(pad(len(payload), 64) - len(payload))
        name_bytes = name.encode()
        entry = struct.pack("<HBBB3xQQII", len(name_bytes), dtype, scale_kind, len(shape), offset, len(payload),
                            ebm.crc32c(payload), len(scales))
        entry += struct.pack(f"<{len(shape)}Q", *shape)
        entry += name_bytes + bytes(pad(len(name_bytes), 8) - len(name_bytes))
        scale_bytes = struct.pack(f"<{len(scales)}f", *scales)
        entry += scale_bytes + bytes(pad(len(scale_bytes), 8) - len(scale_bytes))
        directory += entry
    if data_hook:
        data_hook(data)
    meta_at = 128
    vocab_at = pad(meta_at + len(meta), 8)
    dir_at = pad(vocab_at + len(vocab), 8)
    data_at = pad(dir_at + len(directory), 64)
    out = bytearray(data_at + len(data))
    out[meta_at:meta_at + len(meta)] = meta
    out[vocab_at:vocab_at + len(vocab)] = vocab
    out[dir_at:dir_at + len(directory)] = directory
    out[data_at:] = data
    header = struct.pack("<8sIHHII8Q3I", ebm.MAGIC, 0x01020304, format_version, 1, 128, len(entries),
                         meta_at, len(meta), vocab_at, len(vocab), dir_at, len(directory), data_at, len(data),
                         ebm.crc32c(meta), ebm.crc32c(vocab), ebm.crc32c(bytes(directory)))
    out[:len(header)] = header
    reseal_header(out)
    return out


def reseal_header(file: bytearray) -> None:
    file[124:128] = struct.pack("<I", ebm.crc32c(bytes(file[:124])))


def words_bytes(rows) -> bytes:
    return b"".join(struct.pack(f"<{len(r)}Q", *r) for r in rows)


class Crc32CTests(unittest.TestCase):
    def test_check_value_and_rfc3720_vectors(self):
        self.assertEqual(ebm.crc32c(b"123456789"), 0xE3069283)
        self.assertEqual(ebm.crc32c(b""), 0)
        self.assertEqual(ebm.crc32c(bytes(32)), 0x8A9136AA)
        self.assertEqual(ebm.crc32c(b"\xff" * 32), 0x62A8AB43)
        self.assertEqual(ebm.crc32c(bytes(range(32))), 0x46DD794E)

    def test_lane_parallel_path_equals_byte_loop(self):
        for seed, n in ((1, 64 * 4096), (2, 64 * 4096 + 4095), (3, 1_000_003)):
            data = np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8)
            expected = ebm._crc_register(data, 0xFFFFFFFF) ^ 0xFFFFFFFF
            self.assertEqual(ebm.crc32c(data), expected, f"seed {seed}, {n} bytes")


class PackedTensorTests(unittest.TestCase):
    """Unpacking per packing version 1 against values written bit by bit."""

    def test_binary_k70_per_row_alpha(self):
        # Row 0: -1 at k = 0, 63, 64, 69; row 1: all +1. K = 70 → 2 words per row.
        row0 = [1 | 1 << 63, 1 | 1 << 5]
        model = ebm.load_ebm(build_ebm([("w.bin", 4, 2, (2, 70), words_bytes([row0, [0, 0]]), [0.5, 2.0])]))
        t = model.tensors["w.bin"]
        self.assertEqual((t.dtype, t.shape, t.scale_kind), ("binary", (2, 70), "per-row"))
        expected = np.ones((2, 70), dtype=np.float32)
        expected[0, [0, 63, 64, 69]] = -1
        np.testing.assert_array_equal(t.raw(), expected.astype(np.int8))
        np.testing.assert_array_equal(t.values(), expected * np.array([[0.5], [2.0]], dtype=np.float32))

    def test_ternary_planes_per_tensor_alpha(self):
        # K = 3: row 0 = [+1, 0, -1], row 1 = [0, -1, +1]. Plane 0 sign, plane 1 nonzero.
        sign = [[0b100], [0b010]]
        nonzero = [[0b101], [0b110]]
        model = ebm.load_ebm(build_ebm([("w.ter", 5, 1, (2, 3), words_bytes(sign + nonzero), [0.25])]))
        np.testing.assert_array_equal(model.tensors["w.ter"].raw(), np.array([[1, 0, -1], [0, -1, 1]], dtype=np.int8))
        np.testing.assert_array_equal(model.f32("w.ter"), np.array([[0.25, 0, -0.25], [0, -0.25, 0.25]], dtype=np.float32))

    def test_i8_rows_padded_to_64_bytes(self):
        q = np.array([[1, -2, 3, -128, 127], [0, 5, -5, 9, -9]], dtype=np.int8)
        rows = np.zeros((2, 64), dtype=np.int8)
        rows[:, :5] = q
        model = ebm.load_ebm(build_ebm([("w.i8", 3, 2, (2, 5), rows.tobytes(), [0.1, 3.0])]))
        np.testing.assert_array_equal(model.tensors["w.i8"].raw(), q)
        np.testing.assert_allclose(model.f32("w.i8"), q * np.array([[0.1], [3.0]], dtype=np.float32), rtol=0, atol=0)

    def test_f16_and_f32_row_major(self):
        half = np.array([[1.5, -2.0, 65504.0], [0.0, -0.0009765625, 3.0]], dtype="<f2")
        full = np.arange(24, dtype="<f4").reshape(2, 3, 4) / 7
        model = ebm.load_ebm(build_ebm([("h", 2, 0, (2, 3), half.tobytes(), []), ("f", 1, 0, (2, 3, 4), full.tobytes(), [])]))
        np.testing.assert_array_equal(model.f32("h"), half.astype(np.float32))
        np.testing.assert_array_equal(model.f32("f"), full)
        with self.assertRaisesRegex(KeyError, "no tensor named 'missing'"):
            model.f32("missing")


class StrictnessTests(unittest.TestCase):
    """Every defect is an EbmFormatError naming what and where."""

    def setUp(self):
        self.good = build_ebm([("w.bin", 4, 1, (1, 70), words_bytes([[1, 1]]), [1.0]),
                               ("b", 1, 0, (3,), np.ones(3, dtype="<f4").tobytes(), [])])
        self.data_at = struct.unpack_from("<Q", self.good, 72)[0]

    def assert_rejected(self, data, pattern, **kwargs):
        with self.assertRaisesRegex(ebm.EbmFormatError, pattern):
            ebm.load_ebm(bytes(data), source="t.ebm", **kwargs)

    def test_good_file_loads(self):
        self.assertEqual(sorted(ebm.load_ebm(bytes(self.good)).tensors), ["b", "w.bin"])

    def test_every_truncation_is_rejected(self):
        for n in list(range(0, 200, 7)) + [len(self.good) - 1]:
            self.assert_rejected(self.good[:n], r"^t\.ebm: .+ \(at .+\)$")

    def test_bad_magic(self):
        bad = bytearray(self.good)
        bad[0] = 0x88
        self.assert_rejected(bad, "bad magic")

    def test_newer_format_reported_as_version_not_corruption(self):
        self.assert_rejected(build_ebm([], format_version=2), r"format version 2 found.*\(at header, byte 12\)")

    def test_header_checksum(self):
        bad = bytearray(self.good)
        bad[20] ^= 1
        self.assert_rejected(bad, "header checksum mismatch")

    def test_metadata_checksum(self):
        bad = bytearray(self.good)
        bad[130] ^= 0x20
        self.assert_rejected(bad, "metadata section checksum mismatch")

    def test_tensor_data_checksum_unless_skipped(self):
        bad = bytearray(self.good)
        bad[-64 - 1 + 4] ^= 0x01  # a byte of the f32 tensor (last 64-byte block)
        self.assert_rejected(bad, r"data checksum mismatch.*tensor 'b'")
        ebm.load_ebm(bytes(bad), verify_checksums=False)

    def test_binary_padding_bits_rejected_even_without_checksums(self):
        def set_padding(data):
            data[8:16] = struct.pack("<Q", 1 | 1 << 6)  # bit 70 of the row
        self.assert_rejected(build_ebm([("w.bin", 4, 1, (1, 70), words_bytes([[1, 1]]), [1.0])], data_hook=set_padding),
                             "padding bits", verify_checksums=False)

    def test_ternary_sign_outside_nonzero(self):
        self.assert_rejected(build_ebm([("t", 5, 1, (1, 3), words_bytes([[0b010], [0b001]]), [1.0])]),
                             "sign bit set where the nonzero bit is 0")

    def test_i8_padding_bytes(self):
        rows = np.zeros(64, dtype=np.int8)
        rows[10] = 1
        self.assert_rejected(build_ebm([("q", 3, 2, (1, 5), rows.tobytes(), [1.0])]), "i8 row padding")

    def test_length_and_scale_mismatches(self):
        self.assert_rejected(build_ebm([("b", 1, 0, (8,), bytes(96), [])]), r"stored length 96 bytes does not match shape \[8\]")
        self.assert_rejected(build_ebm([("q", 3, 1, (1, 5), bytes(64), [1.0])]), "scale kind per-tensor is not allowed for dtype i8")
        self.assert_rejected(build_ebm([("w", 4, 2, (2, 5), bytes(16), [1.0])]), "1 scales stored, per-row needs 2")
        self.assert_rejected(build_ebm([("w", 4, 1, (1, 5), bytes(8), [float("nan")])]), "not a finite number")
        self.assert_rejected(build_ebm([("w", 9, 0, (1,), bytes(4), [])]), "unknown dtype 9")

    def test_metadata_consistency(self):
        meta = {"architecture": {"vocabSize": 6, "hiddenSize": 4, "layers": 1, "heads": 1, "ffnSize": 8, "maxPositions": 8},
                "layers": [{}]}
        self.assert_rejected(build_ebm([], metadata=meta), "vocabSize is 6 but the vocabulary has 5 tokens")
        meta = {"architecture": {"vocabSize": 5, "hiddenSize": 4, "layers": 1, "heads": 3, "ffnSize": 8, "maxPositions": 8},
                "layers": [{}]}
        self.assert_rejected(build_ebm([], metadata=meta), "heads 3 does not divide hiddenSize 4")
        meta = {"architecture": {"vocabSize": 5, "hiddenSize": 4, "layers": 1, "heads": 1, "ffnSize": 8}, "layers": [{}]}
        self.assert_rejected(build_ebm([], metadata=meta), "architecture.maxPositions is missing")
        meta = {"architecture": {"vocabSize": 5, "hiddenSize": 4, "layers": 1, "heads": 1, "ffnSize": 8, "maxPositions": 8,
                                 "activation": "swish"}, "layers": [{}]}
        self.assert_rejected(build_ebm([], metadata=meta), "architecture.activation is 'swish'")
        arch = {"vocabSize": 5, "hiddenSize": 4, "layers": 1, "heads": 1, "ffnSize": 8, "maxPositions": 8}
        self.assert_rejected(build_ebm([], metadata={"architecture": arch, "layers": [{}]}),
                             r"tokenizer.maxLength is 128, expected 2..8")
        self.assert_rejected(build_ebm([], metadata={"architecture": arch, "layers": [{}], "tokenizer": {"maxLength": 8, "clsToken": "<s>"}}),
                             r"special token '<s>' \(tokenizer.clsToken\) is not in the vocabulary")
        self.assert_rejected(build_ebm([], metadata={"architecture": {**arch, "layers": 2000}, "layers": [{}], "tokenizer": {"maxLength": 8}}),
                             r"architecture.layers is 2000, expected 1..1024")
        self.assert_rejected(build_ebm([], metadata={"architecture": arch, "layers": [{}, {}], "tokenizer": {"maxLength": 8}}),
                             "2 layer schemes for 1 layers")
        self.assert_rejected(build_ebm([], metadata={"architecture": arch, "layers": [{"weightBits": 3}], "tokenizer": {"maxLength": 8}}),
                             r"layers\[0\].weightBits is 3")
        self.assert_rejected(build_ebm([], metadata={"architecture": arch, "layers": [{}], "tokenizer": {"maxLength": 8},
                                                     "labels": ["a", "a"]}), "labels are not unique")

    def test_vocabulary_defects(self):
        self.assert_rejected(build_ebm([], vocabulary=["[PAD]", "[UNK]", "[UNK]", "[SEP]", "[MASK]"]), "'\\[UNK\\]' appears twice")

    def test_architecture_shape_checked_for_known_names(self):
        self.assert_rejected(build_ebm([("embeddings.ln.gamma", 1, 0, (5,), bytes(20), [])]),
                             r"shape \[5\] does not match the architecture, which needs \[4\]")


def reseal_all(file: bytearray) -> None:
    """Recomputes the section checksums (where the header's ranges fit the file) and the header's."""
    if len(file) < 128:
        return
    offsets = struct.unpack_from("<6Q", file, 24)
    for i in range(3):
        offset, length = offsets[2 * i], offsets[2 * i + 1]
        if offset + length <= len(file):
            struct.pack_into("<I", file, 88 + 4 * i, ebm.crc32c(bytes(file[offset:offset + length])))
    reseal_header(file)


class MutationTests(unittest.TestCase):
    """Like the C# fuzz test: every mutated file loads or raises EbmFormatError, nothing else."""

    def base_file(self) -> bytearray:
        words = words_bytes([[1 | 1 << 63, 1 | 1 << 5], [0, 3]])
        return build_ebm([("w.bin", 4, 2, (2, 70), words, [0.5, 2.0]),
                          ("w.ter", 5, 1, (2, 3), words_bytes([[0b100], [0b010], [0b101], [0b110]]), [0.25]),
                          ("q", 3, 2, (1, 5), bytes(64), [1.0]),
                          ("embeddings.ln.gamma", 1, 0, (4,), np.ones(4, dtype="<f4").tobytes(), [])])

    def load_or_format_error(self, data: bytearray, what: str) -> bool:
        try:
            model = ebm.load_ebm(bytes(data), source="m.ebm")
            for t in model.tensors.values():
                t.values()
            return True
        except ebm.EbmFormatError as error:
            self.assertTrue(str(error).startswith("m.ebm: "), what)
            return False
        except Exception as error:  # noqa: BLE001 - the point of the test
            self.fail(f"{what}: {type(error).__name__}: {error}")

    def test_random_byte_flips_with_and_without_resealing(self):
        base = self.base_file()
        self.assertTrue(self.load_or_format_error(base, "unmutated"))
        rng = np.random.default_rng(2024)
        rejected = 0
        for trial in range(600):
            data = bytearray(base)
            for _ in range(int(rng.integers(1, 4))):
                at = int(rng.integers(0, len(data)))
                data[at] ^= int(rng.integers(1, 256))
            if trial % 2:
                reseal_all(data)
            rejected += not self.load_or_format_error(data, f"seed 2024, trial {trial}")
        self.assertGreater(rejected, 300)

    def test_metadata_values_of_the_wrong_type(self):
        base_meta = default_metadata()
        paths = [("architecture", "hiddenSize"), ("architecture", "activation"), ("architecture", "layerNormEps"),
                 ("layers",), ("labels",), ("tokenizer", "maxLength"), ("tokenizer", "clsToken"), ("provenance", "method"),
                 ("provenance", "studentScore"), ("architecture",), ("tokenizer",)]
        loaded = []
        for path in paths:
            for value in (None, [], {}, "x", -1, 1.5, True, float("inf"), [[[]]]):
                meta = json.loads(json.dumps(base_meta))
                target = meta
                for key in path[:-1]:
                    target = target[key]
                target[path[-1]] = value
                text = json.dumps(meta)  # inf → Infinity, which Python's json accepts: still finite-checked
                data = bytearray(build_ebm([], metadata=json.loads(text)))
                if self.load_or_format_error(data, f"{'.'.join(path)} = {value!r}"):
                    loaded.append((".".join(path), value))
        # Only these are valid: no labels (an encoder-only model) and any finite or absent score.
        self.assertEqual(loaded, [("labels", []), ("provenance.studentScore", None), ("provenance.studentScore", -1),
                                  ("provenance.studentScore", 1.5)])


class ReferenceNetworkTests(unittest.TestCase):
    """The torch.nn network against PyTorch's own post-LN transformer layer and its mask path."""

    def config(self, **kwargs):
        base = dict(vocab_size=30, hidden_size=16, layers=2, heads=4, ffn_size=24, max_positions=12,
                    type_vocab_size=2, activation="gelu", layer_norm_eps=1e-12, pooling="pooler", labels=["a", "b", "c"])
        base.update(kwargs)
        return ref.BertConfig(**base)

    def network(self, seed, **kwargs):
        torch.manual_seed(seed)
        network = ref.BertClassifier(self.config(**kwargs)).double().eval()
        with torch.no_grad():
            for p in network.parameters():
                p.normal_(0.0, 0.5)  # large enough that a wiring error changes the logits visibly
        return network

    def test_layer_equals_torch_transformer_encoder_layer(self):
        for seed, activation in ((11, "gelu"), (12, "relu")):
            layer = self.network(seed, activation=activation).layer[0]
            torch_layer = torch.nn.TransformerEncoderLayer(16, 4, 24, dropout=0.0, activation=activation,
                                                           layer_norm_eps=1e-12, batch_first=True).double().eval()
            a, f = layer.attention, layer.ffn
            with torch.no_grad():
                torch_layer.self_attn.in_proj_weight.copy_(torch.cat([a.query.weight, a.key.weight, a.value.weight]))
                torch_layer.self_attn.in_proj_bias.copy_(torch.cat([a.query.bias, a.key.bias, a.value.bias]))
                torch_layer.self_attn.out_proj.weight.copy_(a.output.weight)
                torch_layer.self_attn.out_proj.bias.copy_(a.output.bias)
                torch_layer.norm1.load_state_dict(a.ln.state_dict())
                torch_layer.linear1.load_state_dict(getattr(f, "in").state_dict())
                torch_layer.linear2.load_state_dict(f.out.state_dict())
                torch_layer.norm2.load_state_dict(f.ln.state_dict())
                x = torch.randn(2, 7, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
                expected = torch_layer(x)
                actual = layer(x, torch.zeros(2, 1, 1, 7, dtype=torch.float64))
            torch.testing.assert_close(actual, expected, rtol=0, atol=1e-10, msg=f"seed {seed}, {activation}")

    def test_padded_batch_with_mask_equals_separate_runs(self):
        for pooling in ("pooler", "cls", "mean"):
            network = self.network(21, pooling=pooling)
            generator = torch.Generator().manual_seed(5)
            long = torch.randint(0, 30, (1, 9), generator=generator)
            short = torch.randint(0, 30, (1, 5), generator=generator)
            with torch.no_grad():
                alone = torch.cat([network(long), network(short)])
                padded = torch.cat([long, torch.cat([short, torch.zeros(1, 4, dtype=torch.long)], 1)])
                mask = torch.tensor([[1] * 9, [1] * 5 + [0] * 4])
                batched = network(padded, attention_mask=mask)
            # −10000 leaves exp(−10000 + s) ≈ 0 but not exactly: tolerance, not equality.
            torch.testing.assert_close(batched, alone, rtol=0, atol=1e-6, msg=f"pooling {pooling}, seed 21/5")

    def test_float32_and_float64_agree_on_large_weights(self):
        network = self.network(31)
        ids = torch.randint(0, 30, (1, 12), generator=torch.Generator().manual_seed(3))
        with torch.no_grad():
            wide = network(ids)
            narrow = network.float()(ids).double()
        torch.testing.assert_close(narrow, wide, rtol=1e-4, atol=1e-4, msg="seed 31/3")

    def test_config_rejects_impossible_sizes(self):
        with self.assertRaisesRegex(ValueError, "heads 5 must divide hidden size 16"):
            self.config(heads=5)
        with self.assertRaisesRegex(ValueError, "activation 'swish'"):
            self.config(activation="swish")


@unittest.skipUnless(RANDOM_MODEL, "EDGEBERT_TEST_EBM not set (torch-reference.sh writes it)")
class RandomModelTests(unittest.TestCase):
    """The trainer's random-model file: the reader's view of it and the reference on it."""

    @classmethod
    def setUpClass(cls):
        cls.model = ebm.read_ebm(RANDOM_MODEL)

    def test_metadata(self):
        arch = self.model.architecture
        o = RANDOM_OPTIONS
        self.assertEqual((arch["layers"], arch["hiddenSize"], arch["heads"], arch["ffnSize"], arch["maxPositions"]),
                         (o["layers"], o["hidden"], o["heads"], o["ffn"], o["max_positions"]))
        self.assertEqual((arch["activation"], arch["attention"], arch["pooling"], arch["typeVocabSize"]), ("gelu", "softmax", "pooler", 2))
        self.assertAlmostEqual(arch["layerNormEps"], 1e-12)
        self.assertEqual(self.model.metadata["labels"], o["labels"])
        self.assertEqual([(s["weightBits"], s["activationBits"], s["method"]) for s in self.model.metadata["layers"]],
                         [(32, 32, "none")] * o["layers"])
        self.assertEqual(self.model.metadata["tokenizer"]["maxLength"], o["max_positions"])

    def test_vocabulary(self):
        vocab = self.model.vocabulary
        self.assertEqual(len(vocab), self.model.architecture["vocabSize"])
        self.assertEqual(vocab[:5], SPECIALS)
        self.assertEqual(len(set(vocab)), len(vocab))
        for token in ("a", "##a", "the", "spam" if "spam" in vocab else "free", "##ing"):
            self.assertIn(token, vocab)

    def test_tensor_names_and_shapes(self):
        o = RANDOM_OPTIONS
        h, f, v = o["hidden"], o["ffn"], len(self.model.vocabulary)
        config = ref.BertConfig.from_metadata(self.model.metadata)
        self.assertEqual(sorted(self.model.tensors), sorted(ref.ebm_state_dict_names(config).values()))
        self.assertEqual(self.model.tensors["embeddings.word"].shape, (v, h))
        self.assertEqual(self.model.tensors["embeddings.position"].shape, (o["max_positions"], h))
        self.assertEqual(self.model.tensors["layer.1.ffn.in.weight"].shape, (f, h))
        self.assertEqual(self.model.tensors["layer.1.ffn.out.weight"].shape, (h, f))
        self.assertEqual(self.model.tensors["classifier.weight"].shape, (3, h))
        self.assertTrue(all(t.dtype == "f32" and t.scale_kind == "none" for t in self.model.tensors.values()))

    def test_initialiser_values(self):
        # random-model: N(0, 0.02) weights and embeddings, zero biases, LayerNorm gamma 1 and beta 0.
        for name in ("embeddings.ln", "layer.0.attention.ln", "layer.1.ffn.ln"):
            np.testing.assert_array_equal(self.model.f32(f"{name}.gamma"), 1.0, err_msg=name)
            np.testing.assert_array_equal(self.model.f32(f"{name}.beta"), 0.0, err_msg=name)
        np.testing.assert_array_equal(self.model.f32("layer.0.attention.query.bias"), 0.0)
        weights = np.concatenate([self.model.f32(n).ravel() for n in ("embeddings.word", "layer.0.ffn.in.weight", "pooler.weight")])
        self.assertAlmostEqual(float(weights.mean()), 0.0, delta=0.002)
        self.assertAlmostEqual(float(weights.std()), 0.02, delta=0.001)

    def test_float32_and_float64_forwards_agree(self):
        model32, model64 = ref.from_ebm(self.model, torch.float32), ref.from_ebm(self.model, torch.float64)
        rng = np.random.default_rng(17)
        config = model32.config
        for length in (1, 2, 9, config.max_positions):
            ids = [2] + rng.integers(5, config.vocab_size, length - 1).tolist() if length > 1 else [2]
            types = [0] * (length // 2) + [1] * (length - length // 2)
            narrow = ref.run_logits(model32, [(ids, types)])[0]
            wide = ref.run_logits(model64, [(ids, types)])[0]
            self.assertEqual(len(narrow), 3)
            np.testing.assert_allclose(narrow, wide, rtol=0, atol=1e-5, err_msg=f"length {length}, seed 17")

    def test_cli_logits_round_trip(self):
        sequences = [{"ids": [2, 10, 20, 30, 3]}, {"ids": [2, 7, 3, 8, 9, 3], "type_ids": [0, 0, 0, 1, 1, 1]}]
        with tempfile.TemporaryDirectory() as directory:
            ids_path, out_path = Path(directory, "ids.json"), Path(directory, "logits.json")
            ids_path.write_text(json.dumps(sequences))
            for flags, dtype in (([], torch.float32), (["--float64"], torch.float64)):
                done = subprocess.run([sys.executable, str(HERE / "bert_reference.py"), "logits", "--model", RANDOM_MODEL,
                                       "--input", str(ids_path), "--output", str(out_path), *flags],
                                      capture_output=True, text=True, timeout=120)
                self.assertEqual(done.returncode, 0, done.stderr)
                result = json.loads(out_path.read_text())
                self.assertEqual(result["labels"], RANDOM_OPTIONS["labels"])
                self.assertEqual(result["dtype"], "float64" if flags else "float32")
                network = ref.from_ebm(self.model, dtype)
                expected = ref.run_logits(network, [(s["ids"], s.get("type_ids", [0] * len(s["ids"]))) for s in sequences])
                self.assertEqual(result["logits"], expected)

    def test_cli_hidden_output_is_consistent_with_the_head(self):
        # pooled = tanh(W·h[CLS] + b) and logits = C·pooled + c, recomputed in numpy from the file.
        with tempfile.TemporaryDirectory() as directory:
            ids_path = Path(directory, "ids.json")
            ids_path.write_text(json.dumps([{"ids": [2, 40, 41, 3]}, {"ids": [2, 3]}]))
            done = subprocess.run([sys.executable, str(HERE / "bert_reference.py"), "logits", "--model", RANDOM_MODEL,
                                   "--input", str(ids_path), "--output", "-", "--float64", "--hidden"],
                                  capture_output=True, text=True, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        result = json.loads(done.stdout)
        f = lambda name: self.model.f32(name).astype(np.float64)  # noqa: E731
        for n, length in enumerate((4, 2)):
            hidden = np.array(result["hidden"][n])
            self.assertEqual(hidden.shape, (length, RANDOM_OPTIONS["hidden"]))
            # Each row leaves a LayerNorm with gamma 1, beta 0: mean 0, variance 1.
            np.testing.assert_allclose(hidden.mean(1), 0.0, atol=1e-9, err_msg=f"sequence {n}")
            np.testing.assert_allclose(hidden.var(1), 1.0, atol=1e-6, err_msg=f"sequence {n}")
            pooled = np.tanh(f("pooler.weight") @ hidden[0] + f("pooler.bias"))
            np.testing.assert_allclose(result["pooled"][n], pooled, rtol=0, atol=1e-12, err_msg=f"sequence {n}")
            logits = f("classifier.weight") @ pooled + f("classifier.bias")
            np.testing.assert_allclose(result["logits"][n], logits, rtol=0, atol=1e-12, err_msg=f"sequence {n}")

    def test_cli_rejects_bad_input_with_a_message(self):
        cases = [
            ([{"ids": [2, 100000]}], "ids value 100000 is outside"),
            ([{"ids": list(range(5, 46))}], "41 tokens, expected 1..40"),
            ([{"ids": [2, 3], "type_ids": [0]}], "1 type_ids for 2 ids"),
            ([{"ids": [2, 3], "type_ids": [0, 2]}], "type_ids value 2 is outside 0..1"),
            ({"ids": [2]}, "must be a non-empty JSON list"),
            ([{"ids": []}], "0 tokens"),
        ]
        with tempfile.TemporaryDirectory() as directory:
            ids_path = Path(directory, "ids.json")
            for document, message in cases:
                ids_path.write_text(json.dumps(document))
                done = subprocess.run([sys.executable, str(HERE / "bert_reference.py"), "logits", "--model", RANDOM_MODEL,
                                       "--input", str(ids_path), "--output", "-"], capture_output=True, text=True, timeout=120)
                self.assertEqual(done.returncode, 2, f"{document}: {done.stdout}")
                self.assertIn(message, done.stderr, str(document))
            done = subprocess.run([sys.executable, str(HERE / "bert_reference.py"), "logits", "--model", str(ids_path),
                                   "--input", str(ids_path), "--output", "-"], capture_output=True, text=True, timeout=120)
            self.assertEqual(done.returncode, 2)
            self.assertIn("not an .ebm model", done.stderr)

    def test_quantized_or_bi_attention_models_are_refused(self):
        metadata = json.loads(json.dumps(self.model.metadata))
        metadata["architecture"]["attention"] = "bi-attention"
        with self.assertRaisesRegex(ValueError, "attention 'bi-attention' is not modelled"):
            ref.from_ebm(ebm.EbmModel("m", 1, 1, metadata, self.model.vocabulary, self.model.tensors))
        metadata = json.loads(json.dumps(self.model.metadata))
        metadata["layers"][1]["activationBits"] = 8
        with self.assertRaisesRegex(ValueError, "layer 1 quantizes activations to 8 bits"):
            ref.from_ebm(ebm.EbmModel("m", 1, 1, metadata, self.model.vocabulary, self.model.tensors))


class CompareLogitsTests(unittest.TestCase):
    def run_compare(self, expected, actual, *flags):
        with tempfile.TemporaryDirectory() as directory:
            e, a = Path(directory, "e.json"), Path(directory, "a.json")
            e.write_text(json.dumps(expected))
            a.write_text(json.dumps(actual))
            done = subprocess.run([sys.executable, str(HERE / "compare_logits.py"), "--expected", str(e), "--actual", str(a), *flags],
                                  capture_output=True, text=True, timeout=60)
        return done.returncode, done.stdout + done.stderr

    def test_within_and_outside_tolerance(self):
        reference = {"logits": [[0.5, -0.25], [1.0, 2.0]], "dtype": "float32"}
        code, out = self.run_compare(reference, [[0.50009, -0.25], [1.0, 1.99995]])
        self.assertEqual(code, 0, out)
        self.assertIn("largest |difference| 9e-05", out)
        code, out = self.run_compare(reference, [[0.5, -0.25], [1.0, 2.0002]])
        self.assertEqual(code, 1, out)
        self.assertIn("row 1, logit 1: expected 2.0, actual 2.0002", out)
        self.assertEqual(self.run_compare(reference, [[0.5, -0.25], [1.0, 2.0002]], "--rtol", "1e-3")[0], 0)
        self.assertEqual(self.run_compare([[1.0]], [[float("nan")]])[0], 1)

    def test_mismatched_or_unreadable_files(self):
        for actual, message in (([[0.5, -0.25]], "2 expected rows but 1 actual"), ([[0.5], [1.0, 2.0]], "row 0: 2 expected values"),
                                ({"x": 1}, "expected a list of logits rows"), ([["a", 1]], "row 0 holds something other")):
            code, out = self.run_compare([[0.5, -0.25], [1.0, 2.0]], actual)
            self.assertEqual(code, 2, out)
            self.assertIn(message, out)

    def test_compare_function(self):
        worst, problems = compare_logits.compare([[1.0, 2.0]], [[1.0, 2.5]], atol=0.1, rtol=0.0)
        self.assertEqual((worst, len(problems)), (0.5, 1))


class PeerBenchmarkSmokeTests(unittest.TestCase):
    """benchmarks/peers/bert_torch_bench.py on a tiny shape: it runs and reports both variants."""

    def test_tiny_shape_both_variants(self):
        bench = HERE.parent.parent / "benchmarks" / "peers" / "bert_torch_bench.py"
        with tempfile.TemporaryDirectory() as directory:
            out = Path(directory, "bench.json")
            done = subprocess.run([sys.executable, str(bench), "--layers", "1", "--hidden", "32", "--heads", "2", "--ffn", "64",
                                   "--vocab", "50", "--seq", "8", "--runs", "2", "--warmup", "1", "--json", str(out)],
                                  capture_output=True, text=True, timeout=300)
            self.assertEqual(done.returncode, 0, done.stderr)
            document = json.loads(out.read_text())
        self.assertEqual([r["variant"] for r in document["results"]], ["fp32", "dynamic-int8"])
        fp32, int8 = document["results"]
        self.assertEqual((fp32["quantized_linear_layers"], int8["quantized_linear_layers"]), (0, 8))  # 6 per layer + pooler + classifier
        self.assertGreater(int8["rss_after_runs_mib"], 0)
        self.assertEqual(len(int8["runs_ms"]), 2)
        self.assertTrue(all(r["ms_per_sequence"]["median"] > 0 and r["peak_rss_mib"] > 0 for r in document["results"]))
        self.assertEqual(fp32["max_abs_logit_diff_vs_fp32"], 0.0)
        self.assertLess(int8["max_abs_logit_diff_vs_fp32"], 0.05)  # int8 weights and activations: close, not equal
        self.assertEqual(document["shape"]["seq"], 8)
        self.assertIn("BLAS", document["torch_config"])


def main() -> int:
    args = sys.argv[1:]
    counts = None
    if len(args) >= 2 and args[0] == "--counts":
        counts, args = args[1], args[2:]
    torch.set_num_threads(1)
    program = unittest.main(argv=[sys.argv[0], *args], exit=False, verbosity=2)
    r = program.result
    failed = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
    passed = r.testsRun - failed - len(r.skipped)
    if counts:
        Path(counts).write_text(f"{passed} {failed}\n")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
