"""A small, strict reader of EdgeBert `.ebm` model files (specification: docs/format.md).

Pure Python + numpy, so the PyTorch reference (bert_reference.py) and other tools can load the
exact weights the C# runtime loads. Like the C# reader (src/EdgeBert.Core/Format/EbmReader.cs) it
checks every offset, length and checksum before using the bytes, and every defect raises
`EbmFormatError` with a message "<file>: <what> (at <where>)".

    model = read_ebm("model.ebm")
    model.metadata["architecture"]["hiddenSize"]
    model.vocabulary[2]                             # "[CLS]"
    model.tensors["layer.0.attention.query.weight"].values()   # float32 [N, K], dequantized
"""

from __future__ import annotations

import json
import math
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"\x89EBM\r\n\x1a\n"
ENDIAN_MARKER = 0x01020304
FORMAT_VERSION = 1
PACKING_VERSION = 1
HEADER_SIZE = 128
ALIGNMENT = 64
MAX_RANK = 4
MAX_NAME_BYTES = 256
ENTRY_FIXED_SIZE = 32
MAX_TENSOR_BYTES = 2**31 - 1

DTYPES = {1: "f32", 2: "f16", 3: "i8", 4: "binary", 5: "ternary"}
SCALE_KINDS = {0: "none", 1: "per-tensor", 2: "per-row"}
# Which scale kinds each dtype may carry (docs/format.md, "Validation").
ALLOWED_SCALES = {
    "f32": {"none"},
    "f16": {"none"},
    "i8": {"per-row"},
    "binary": {"per-tensor", "per-row"},
    "ternary": {"per-tensor", "per-row"},
}


class EbmFormatError(ValueError):
    """A defect in an .ebm file: message "<file>: <what> (at <where>)"."""

    def __init__(self, source: str, what: str, where: str):
        super().__init__(f"{source}: {what} (at {where})")
        self.source = source
        self.what = what
        self.where = where


# ----------------------------------------------------------------------------------------------
# CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF).


def _crc_table() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table[i] = c
    return table


_CRC_TABLE = _crc_table()
_CRC_TABLE_LIST = [int(v) for v in _CRC_TABLE]
_CRC_LANES = 4096


def _crc_register(data: np.ndarray, register: int) -> int:
    """Byte-at-a-time update of the raw CRC register (no init, no final XOR)."""
    table = _CRC_TABLE_LIST
    for b in data.tobytes():
        register = table[(register ^ b) & 0xFF] ^ (register >> 8)
    return register


def crc32c(data: bytes | bytearray | memoryview | np.ndarray) -> int:
    """CRC-32C of `data`; crc32c(b"123456789") == 0xE3069283.

    Large inputs run as 4096 independent lanes in numpy and are then folded together. That is
    exact because the raw register update is linear over GF(2):
    reg(A‖B, r) = Z_|B|(reg(A, r)) ⊕ reg(B, 0), where Z_L is "feed L zero bytes", a 32×32 bit
    matrix obtained by running the 32 unit registers through L zero bytes.
    """
    buf = np.frombuffer(data, dtype=np.uint8) if not isinstance(data, np.ndarray) else data.reshape(-1).view(np.uint8)
    n = buf.size
    lane_length = n // _CRC_LANES
    if lane_length < 64:
        return _crc_register(buf, 0xFFFFFFFF) ^ 0xFFFFFFFF
    lanes = np.ascontiguousarray(buf[: _CRC_LANES * lane_length].reshape(_CRC_LANES, lane_length).T)
    registers = np.zeros(_CRC_LANES, dtype=np.uint32)
    zero_feed = (np.uint32(1) << np.arange(32, dtype=np.uint32)).astype(np.uint32)
    for column in lanes:
        registers = _CRC_TABLE[(registers ^ column) & 0xFF] ^ (registers >> 8)
        zero_feed = _CRC_TABLE[zero_feed & 0xFF] ^ (zero_feed >> 8)
    columns = [int(v) for v in zero_feed]

    def feed_zeros(register: int) -> int:
        out = 0
        bit = 0
        while register:
            if register & 1:
                out ^= columns[bit]
            register >>= 1
            bit += 1
        return out

    register = 0xFFFFFFFF
    for lane in registers.tolist():
        register = feed_zeros(register) ^ lane
    register = _crc_register(buf[_CRC_LANES * lane_length :], register)
    return register ^ 0xFFFFFFFF


# ----------------------------------------------------------------------------------------------
# Packed layouts (packing version 1).


def row_stride_words(k: int) -> int:
    """64-bit words per row of a binary plane: ceil(K / 64), no further padding."""
    return (k + 63) // 64


def i8_row_stride(k: int) -> int:
    """Bytes per row of an i8 tensor: K rounded up to 64."""
    return (k + 63) // 64 * 64


def byte_length(dtype: str, shape: tuple[int, ...]) -> int:
    """Stored bytes of a tensor, padding included; -1 when the shape is not valid for the dtype."""
    count = math.prod(shape)
    if dtype == "f32":
        length = 4 * count
    elif dtype == "f16":
        length = 2 * count
    elif len(shape) != 2:
        return -1
    elif dtype == "i8":
        length = shape[0] * i8_row_stride(shape[1])
    elif dtype == "binary":
        length = shape[0] * row_stride_words(shape[1]) * 8
    elif dtype == "ternary":
        length = 2 * shape[0] * row_stride_words(shape[1]) * 8
    else:
        return -1
    return length if length <= MAX_TENSOR_BYTES else -1


def unpack_bits(words: np.ndarray, n: int, k: int) -> np.ndarray:
    """[N, stride] uint64 words → [N, K] uint8 bits; bit (k % 64) of word (k / 64) is element k."""
    as_bytes = words.reshape(n, -1).astype("<u8", copy=False).view(np.uint8)
    return np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :k]


def padding_bits_clear(words: np.ndarray, n: int, k: int) -> bool:
    """True when every bit past column K of each row is zero (the kernels rely on it)."""
    as_bytes = words.reshape(n, -1).astype("<u8", copy=False).view(np.uint8)
    return not np.unpackbits(as_bytes, axis=1, bitorder="little")[:, k:].any()


# ----------------------------------------------------------------------------------------------
# Model.


@dataclass
class EbmTensor:
    """One tensor: its directory entry and its raw stored bytes (a view of the file)."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    scale_kind: str
    scales: np.ndarray
    offset: int
    data: memoryview = field(repr=False)

    def raw(self) -> np.ndarray:
        """The stored values unpacked but not scaled: f32/f16 as stored, i8 as int8 [N, K],
        binary as int8 ±1 [N, K], ternary as int8 −1/0/+1 [N, K]."""
        if self.dtype == "f32":
            return np.frombuffer(self.data, dtype="<f4").reshape(self.shape)
        if self.dtype == "f16":
            return np.frombuffer(self.data, dtype="<f2").reshape(self.shape)
        n, k = self.shape
        if self.dtype == "i8":
            return np.frombuffer(self.data, dtype=np.int8).reshape(n, i8_row_stride(k))[:, :k]
        stride = row_stride_words(k)
        words = np.frombuffer(self.data, dtype="<u8")
        if self.dtype == "binary":
            negative = unpack_bits(words.reshape(n, stride), n, k)
            return (1 - 2 * negative.astype(np.int8)).astype(np.int8)
        sign = unpack_bits(words[: n * stride].reshape(n, stride), n, k).astype(np.int8)
        nonzero = unpack_bits(words[n * stride :].reshape(n, stride), n, k).astype(np.int8)
        return (nonzero * (1 - 2 * sign)).astype(np.int8)

    def values(self) -> np.ndarray:
        """The tensor as float32 in its logical shape, scales applied (value = alpha × raw)."""
        raw = self.raw().astype(np.float32)
        if self.scale_kind == "none":
            return raw
        if self.scale_kind == "per-tensor":
            return raw * self.scales[0]
        return raw * self.scales[:, None]


@dataclass
class EbmModel:
    """A validated .ebm file."""

    path: str
    format_version: int
    packing_version: int
    metadata: dict[str, Any]
    vocabulary: list[str]
    tensors: dict[str, EbmTensor]

    @property
    def architecture(self) -> dict[str, Any]:
        """metadata["architecture"] with the defaults of the C# EbmMetadata filled in."""
        return self.metadata["architecture"]

    def f32(self, name: str) -> np.ndarray:
        """The named tensor as float32 (dequantized when packed); KeyError names what is missing."""
        if name not in self.tensors:
            raise KeyError(f"{self.path}: no tensor named '{name}'")
        return self.tensors[name].values()


# Defaults of optional metadata members (EbmMetadata.cs); required members have none.
_ARCHITECTURE_REQUIRED = ("vocabSize", "hiddenSize", "layers", "heads", "ffnSize", "maxPositions")
_ARCHITECTURE_DEFAULTS = {
    "typeVocabSize": 2,
    "activation": "gelu",
    "attention": "softmax",
    "layerNormEps": 1e-12,
    "pooling": "pooler",
}
_TOKENIZER_DEFAULTS = {
    "lowercase": True, "stripAccents": True, "tokenizeChineseChars": True, "maxLength": 128, "maxCharsPerWord": 100,
    "continuationPrefix": "##", "unkToken": "[UNK]", "clsToken": "[CLS]", "sepToken": "[SEP]", "padToken": "[PAD]",
    "maskToken": "[MASK]",
}
# Sane caps (EbmMetadataValidator.cs), so a corrupt number cannot ask for a huge allocation.
_ARCHITECTURE_CAPS = {
    "vocabSize": 4_000_000, "hiddenSize": 65_536, "layers": 1_024, "heads": 65_536, "ffnSize": 1 << 20,
    "maxPositions": 1 << 20, "typeVocabSize": 1_024,
}
_LAYER_DEFAULTS = {"weightBits": 32, "activationBits": 32, "method": "none"}
_ENUMS = {
    "activation": {"gelu", "relu"},
    "attention": {"softmax", "bi-attention"},
    "pooling": {"pooler", "cls", "mean"},
}
_ALLOWED_BITS = {1, 2, 4, 8, 16, 32}
_METHODS = {"none", "ternarybert", "binarybert", "bibert", "two-stage"}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _expected_shape(name: str, arch: dict[str, Any], labels: int) -> tuple[int, ...] | None:
    """Shapes the format fixes for the HF-like tensor names (docs/format.md, "Tensor names")."""
    h, f = arch["hiddenSize"], arch["ffnSize"]
    # Attention width: heads × headSize when the optional headSize is given (a width-pruned model), else h.
    w = arch["heads"] * arch["headSize"] if arch.get("headSize") is not None else h
    fixed = {
        "embeddings.word": (arch["vocabSize"], h),
        "embeddings.position": (arch["maxPositions"], h),
        "embeddings.token_type": (arch["typeVocabSize"], h),
        "embeddings.ln.gamma": (h,),
        "embeddings.ln.beta": (h,),
        "pooler.weight": (h, h),
        "pooler.bias": (h,),
    }
    if labels > 0:
        fixed["classifier.weight"] = (labels, h)
        fixed["classifier.bias"] = (labels,)
    if name in fixed:
        return fixed[name]
    parts = name.split(".")
    if len(parts) < 4 or parts[0] != "layer" or not re.fullmatch(r"[0-9]+", parts[1]) or int(parts[1]) >= arch["layers"]:
        return None
    rest = ".".join(parts[2:])
    layer_shapes = {
        "attention.ln.gamma": (h,), "attention.ln.beta": (h,),
        "ffn.ln.gamma": (h,), "ffn.ln.beta": (h,),
        "ffn.in.weight": (f, h), "ffn.in.bias": (f,),
        "ffn.out.weight": (h, f), "ffn.out.bias": (h,),
    }
    for part in ("query", "key", "value"):
        layer_shapes[f"attention.{part}.weight"] = (w, h)
        layer_shapes[f"attention.{part}.bias"] = (w,)
    layer_shapes["attention.output.weight"] = (h, w)
    layer_shapes["attention.output.bias"] = (h,)
    return layer_shapes.get(rest)


class _Reader:
    def __init__(self, data: bytes | memoryview, source: str, verify_checksums: bool):
        self.data = memoryview(data)
        self.source = source
        self.verify = verify_checksums

    def fail(self, what: str, where: str) -> EbmFormatError:
        return EbmFormatError(self.source, what, where)

    def read(self) -> EbmModel:
        header = self.header()
        meta_bytes = self.section_bytes(header, "metadata")
        vocab_bytes = self.section_bytes(header, "vocabulary")
        dir_bytes = self.section_bytes(header, "directory")
        for name, raw, section in (
            ("metadata section", meta_bytes, "metadata"),
            ("vocabulary section", vocab_bytes, "vocabulary"),
            ("tensor directory", dir_bytes, "directory"),
        ):
            stored, actual = header[f"{section}_crc"], crc32c(raw)
            if actual != stored:
                raise self.fail(f"{name} checksum mismatch: stored 0x{stored:08X}, computed 0x{actual:08X}; the file is corrupt",
                                f"byte {header[f'{section}_offset']}")
        metadata = self.metadata(meta_bytes, header["metadata_offset"])
        vocabulary = self.vocabulary(vocab_bytes, header["vocabulary_offset"])
        self.check_consistency(metadata, vocabulary)
        tensors = self.directory(header, dir_bytes, metadata)
        return EbmModel(self.source, header["format_version"], header["packing_version"], metadata, vocabulary, tensors)

    # -- header and sections --------------------------------------------------------------------

    def header(self) -> dict[str, int]:
        d = self.data
        if len(d) < HEADER_SIZE:
            raise self.fail(f"file is {len(d)} bytes, shorter than the {HEADER_SIZE}-byte header; it is truncated or not an .ebm model", "header")
        if bytes(d[:8]) != MAGIC:
            raise self.fail(f"bad magic {bytes(d[:8]).hex().upper()}, expected {MAGIC.hex().upper()}; not an .ebm model", "header, byte 0")
        marker = struct.unpack_from("<I", d, 8)[0]
        if marker != ENDIAN_MARKER:
            what = ("the file is big-endian; only little-endian .ebm files are supported" if marker == 0x04030201
                    else f"bad endianness marker 0x{marker:08X}, expected 0x{ENDIAN_MARKER:08X}")
            raise self.fail(what, "header, byte 8")
        fmt, packing = struct.unpack_from("<HH", d, 12)
        # Versions before the checksum, so a newer file is reported as newer, not as corrupt.
        if fmt != FORMAT_VERSION:
            raise self.fail(f"format version {fmt} found; this reader supports format version {FORMAT_VERSION}", "header, byte 12")
        if packing != PACKING_VERSION:
            raise self.fail(f"packing version {packing} found; this reader supports packing version {PACKING_VERSION}", "header, byte 14")
        stored = struct.unpack_from("<I", d, 124)[0]
        actual = crc32c(d[:124])
        if stored != actual:
            raise self.fail(f"header checksum mismatch: stored 0x{stored:08X}, computed 0x{actual:08X}; the file is corrupt", "header, byte 124")
        size, count = struct.unpack_from("<II", d, 16)
        if size != HEADER_SIZE:
            raise self.fail(f"header size {size}, expected {HEADER_SIZE}", "header, byte 16")
        if any(d[100:124]):
            raise self.fail("reserved header bytes are not zero", "header, bytes 100-123")
        values = struct.unpack_from("<8Q3I", d, 24)
        header = {
            "format_version": fmt, "packing_version": packing, "tensor_count": count,
            "metadata_offset": values[0], "metadata_length": values[1],
            "vocabulary_offset": values[2], "vocabulary_length": values[3],
            "directory_offset": values[4], "directory_length": values[5],
            "data_offset": values[6], "data_length": values[7],
            "metadata_crc": values[8], "vocabulary_crc": values[9], "directory_crc": values[10],
        }
        end = HEADER_SIZE
        for name, alignment, field_at in (("metadata", 8, 24), ("vocabulary", 8, 40), ("directory", 8, 56), ("data", ALIGNMENT, 72)):
            offset, length = header[f"{name}_offset"], header[f"{name}_length"]
            where = f"header, byte {field_at}"
            if offset < end:
                raise self.fail(f"{name} section starts at byte {offset}, before the end of the previous part at byte {end}", where)
            if offset % alignment:
                raise self.fail(f"{name} section offset {offset} is not a multiple of {alignment}", where)
            if offset > len(d) or length > len(d) - offset:
                raise self.fail(f"{name} section [{offset}, +{length}) runs past the end of the file ({len(d)} bytes); the file is truncated or corrupt", where)
            if any(d[end:offset]):
                raise self.fail(f"the gap before the {name} section is not zero", f"bytes {end}-{offset - 1}")
            end = offset + length
        if end != len(d):
            raise self.fail(f"the data section ends at byte {end} but the file has {len(d)} bytes; it was extended or damaged", "header, byte 80")
        return header

    def section_bytes(self, header: dict[str, int], name: str) -> memoryview:
        offset, length = header[f"{name}_offset"], header[f"{name}_length"]
        return self.data[offset: offset + length]

    def metadata(self, raw: memoryview, offset: int) -> dict[str, Any]:
        where = f"metadata section (byte {offset})"
        try:
            metadata = json.loads(bytes(raw).decode("utf-8", errors="strict"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise self.fail(f"metadata JSON is malformed: {error}", where) from error
        if not isinstance(metadata, dict):
            raise self.fail("metadata JSON is not an object", where)
        arch = metadata.get("architecture")
        if not isinstance(arch, dict):
            raise self.fail("metadata has no 'architecture' object", where)
        for key in _ARCHITECTURE_REQUIRED:
            if not _is_int(arch.get(key)):
                raise self.fail(f"architecture.{key} is missing or not an integer", where)
        for key, default in _ARCHITECTURE_DEFAULTS.items():
            value = arch.setdefault(key, default)
            if key in _ENUMS and (not isinstance(value, str) or value not in _ENUMS[key]):
                raise self.fail(f"architecture.{key} is '{value}', expected one of {sorted(_ENUMS[key])}", where)
        if not _is_int(arch["typeVocabSize"]):
            raise self.fail("architecture.typeVocabSize is not an integer", where)
        eps = arch["layerNormEps"]
        if not isinstance(eps, (int, float)) or isinstance(eps, bool) or not math.isfinite(eps) or eps < 0:
            raise self.fail(f"architecture.layerNormEps is {eps!r}, expected a finite non-negative number", where)
        layers = metadata.get("layers")
        if not isinstance(layers, list):
            raise self.fail("metadata has no 'layers' list", where)
        for i, layer in enumerate(layers):
            if not isinstance(layer, dict):
                raise self.fail(f"layers[{i}] is not an object", where)
            for key, default in _LAYER_DEFAULTS.items():
                layer.setdefault(key, default)
            for key in ("weightBits", "activationBits"):
                if not _is_int(layer[key]) or layer[key] not in _ALLOWED_BITS:
                    raise self.fail(f"layers[{i}].{key} is {layer[key]!r}, expected one of {sorted(_ALLOWED_BITS)}", where)
            if not isinstance(layer["method"], str) or layer["method"] not in _METHODS:
                raise self.fail(f"layers[{i}].method is {layer['method']!r}, expected one of {sorted(_METHODS)}", where)
        labels = metadata.setdefault("labels", [])
        if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
            raise self.fail("labels must be a list of non-empty strings", where)
        tokenizer = metadata.setdefault("tokenizer", {})
        if not isinstance(tokenizer, dict):
            raise self.fail("tokenizer is not an object", where)
        for key, default in _TOKENIZER_DEFAULTS.items():
            value = tokenizer.setdefault(key, default)
            if type(value) is not type(default):
                raise self.fail(f"tokenizer.{key} is {value!r}, expected a {type(default).__name__}", where)
        provenance = metadata.setdefault("provenance", {})
        if not isinstance(provenance, dict):
            raise self.fail("provenance is not an object", where)
        provenance.setdefault("trainerVersion", "")
        provenance.setdefault("method", "none")
        if not isinstance(provenance["method"], str) or provenance["method"] not in _METHODS:
            raise self.fail(f"provenance.method is {provenance['method']!r}, expected one of {sorted(_METHODS)}", where)
        for key in ("teacherScore", "studentScore"):
            score = provenance.get(key)
            if score is not None and (not isinstance(score, (int, float)) or isinstance(score, bool) or not math.isfinite(score)):
                raise self.fail(f"provenance.{key} is {score!r}, expected a finite number", where)
        return metadata

    def vocabulary(self, raw: memoryview, offset: int) -> list[str]:
        data = bytes(raw)
        if not data:
            raise self.fail("the vocabulary is empty", f"vocabulary section (byte {offset})")
        if not data.endswith(b"\n"):
            raise self.fail("the vocabulary does not end with a newline; it is truncated", f"vocabulary section, byte {offset + len(data) - 1}")
        tokens: list[str] = []
        seen: set[str] = set()
        at = 0
        for line in data[:-1].split(b"\n"):
            where = f"vocabulary token {len(tokens)}, byte {offset + at}"
            if not line:
                raise self.fail("empty vocabulary token", where)
            try:
                token = line.decode("utf-8", errors="strict")
            except UnicodeDecodeError as error:
                raise self.fail(f"vocabulary token is not valid UTF-8 ({error})", where) from error
            if any(ord(c) < 0x20 for c in token):
                raise self.fail("vocabulary token contains a control character", where)
            if token in seen:
                raise self.fail(f"vocabulary token '{token}' appears twice", where)
            seen.add(token)
            tokens.append(token)
            at += len(line) + 1
        return tokens

    def check_consistency(self, metadata: dict[str, Any], vocabulary: list[str]) -> None:
        """The cross-field rules of docs/format.md, as EbmMetadataValidator.cs applies them."""
        where = "metadata section"
        arch = metadata["architecture"]
        head_size = arch.get("headSize")
        for key, cap in _ARCHITECTURE_CAPS.items():
            upper = arch["hiddenSize"] if key == "heads" and head_size is None else cap
            if not 1 <= arch[key] <= upper:
                raise self.fail(f"architecture.{key} is {arch[key]}, expected 1..{upper}", where)
        if head_size is None:
            if arch["hiddenSize"] % arch["heads"]:
                raise self.fail(f"architecture.heads {arch['heads']} does not divide hiddenSize {arch['hiddenSize']}", where)
        elif not _is_int(head_size) or not 1 <= head_size or arch["heads"] * head_size > _ARCHITECTURE_CAPS["hiddenSize"]:
            raise self.fail(f"architecture.headSize is {head_size}, expected 1..{_ARCHITECTURE_CAPS['hiddenSize']} with heads × headSize within it", where)
        if not 0 < arch["layerNormEps"] < 1:
            raise self.fail(f"architecture.layerNormEps is {arch['layerNormEps']}, expected a number in (0, 1)", where)
        if len(metadata["layers"]) != arch["layers"]:
            raise self.fail(f"{len(metadata['layers'])} layer schemes for {arch['layers']} layers", where)
        if arch["vocabSize"] != len(vocabulary):
            raise self.fail(f"architecture.vocabSize is {arch['vocabSize']} but the vocabulary has {len(vocabulary)} tokens", where)
        labels = metadata["labels"]
        if len(set(labels)) != len(labels):
            raise self.fail("labels are not unique", where)
        tokenizer = metadata["tokenizer"]
        if not 2 <= tokenizer["maxLength"] <= arch["maxPositions"]:
            raise self.fail(f"tokenizer.maxLength is {tokenizer['maxLength']}, expected 2..{arch['maxPositions']}", where)
        if not 1 <= tokenizer["maxCharsPerWord"] <= 1 << 16:
            raise self.fail(f"tokenizer.maxCharsPerWord is {tokenizer['maxCharsPerWord']}, expected 1..65536", where)
        if not tokenizer["continuationPrefix"]:
            raise self.fail("tokenizer.continuationPrefix is empty", where)
        known = set(vocabulary)
        for key in ("unkToken", "clsToken", "sepToken", "padToken", "maskToken"):
            if tokenizer[key] not in known:
                raise self.fail(f"special token '{tokenizer[key]}' (tokenizer.{key}) is not in the vocabulary", where)

    # -- tensors --------------------------------------------------------------------------------

    def directory(self, header: dict[str, int], raw: memoryview, metadata: dict[str, Any]) -> dict[str, EbmTensor]:
        count = header["tensor_count"]
        if count > len(raw) // (ENTRY_FIXED_SIZE + 16):
            raise self.fail(f"tensor count {count} cannot fit in a {len(raw)}-byte directory", "header, byte 20")
        tensors: dict[str, EbmTensor] = {}
        at = 0
        for index in range(count):
            tensor, at = self.entry(header, raw, at, index, metadata)
            if tensor.name in tensors:
                raise self.fail(f"tensor name '{tensor.name}' appears twice", f"tensor directory entry {index}")
            tensors[tensor.name] = tensor
        if at != len(raw):
            raise self.fail(f"{len(raw) - at} unused bytes after {count} tensor entries",
                            f"tensor directory, byte {header['directory_offset'] + at}")
        ordered = sorted(tensors.values(), key=lambda t: t.offset)
        for previous, current in zip(ordered, ordered[1:]):
            if previous.offset + len(previous.data) > current.offset:
                raise self.fail(f"tensor data of '{previous.name}' overlaps '{current.name}'", f"tensor '{current.name}'")
        return tensors

    def entry(self, header: dict[str, int], raw: memoryview, at: int, index: int,
              metadata: dict[str, Any]) -> tuple[EbmTensor, int]:
        where = f"tensor directory entry {index}, byte {header['directory_offset'] + at}"
        if len(raw) - at < ENTRY_FIXED_SIZE:
            raise self.fail("tensor directory ends inside an entry", where)
        name_length, dtype_byte, scale_byte, rank = struct.unpack_from("<HBBB", raw, at)
        offset, length, checksum, scale_count = struct.unpack_from("<QQII", raw, at + 8)
        if not 1 <= name_length <= MAX_NAME_BYTES:
            raise self.fail(f"tensor name length {name_length}, expected 1..{MAX_NAME_BYTES}", where)
        if not 1 <= rank <= MAX_RANK:
            raise self.fail(f"tensor rank {rank}, expected 1..{MAX_RANK}", where)
        if any(raw[at + 5: at + 8]):
            raise self.fail("reserved entry bytes are not zero", where)
        pad8 = lambda n: (n + 7) & ~7  # noqa: E731
        size = ENTRY_FIXED_SIZE + 8 * rank + pad8(name_length) + pad8(4 * scale_count)
        if at + size > len(raw):
            raise self.fail("tensor entry runs past the end of the directory", where)
        p = at + ENTRY_FIXED_SIZE
        shape = struct.unpack_from(f"<{rank}Q", raw, p)
        for d, dim in enumerate(shape):
            if not 1 <= dim <= 2**31 - 1:
                raise self.fail(f"dimension {d} is {dim}, expected 1..{2**31 - 1}", where)
        p += 8 * rank
        name_bytes = bytes(raw[p: p + name_length])
        try:
            name = name_bytes.decode("utf-8", errors="strict")
        except UnicodeDecodeError as error:
            raise self.fail(f"tensor name is not valid UTF-8 ({error})", where) from error
        if any(c.isspace() or ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in name):
            raise self.fail(f"tensor name '{name}' contains whitespace or control characters", where)
        if any(raw[p + name_length: p + pad8(name_length)]):
            raise self.fail("tensor name padding is not zero", where)
        where = f"tensor directory entry {index} ('{name}'), byte {header['directory_offset'] + at}"
        p += pad8(name_length)
        if dtype_byte not in DTYPES:
            raise self.fail(f"unknown dtype {dtype_byte}", where)
        if scale_byte not in SCALE_KINDS:
            raise self.fail(f"unknown scale kind {scale_byte}", where)
        dtype, scale_kind = DTYPES[dtype_byte], SCALE_KINDS[scale_byte]
        if scale_kind not in ALLOWED_SCALES[dtype]:
            raise self.fail(f"scale kind {scale_kind} is not allowed for dtype {dtype}", where)
        expected_length = byte_length(dtype, shape)
        if expected_length < 0:
            raise self.fail(f"shape {list(shape)} is not valid for dtype {dtype}", where)
        if length != expected_length:
            raise self.fail(f"stored length {length} bytes does not match shape {list(shape)} × {dtype} = {expected_length} bytes", where)
        expected_scales = {"none": 0, "per-tensor": 1, "per-row": shape[0]}[scale_kind]
        if scale_count != expected_scales:
            raise self.fail(f"{scale_count} scales stored, {scale_kind} needs {expected_scales}", where)
        scales = np.frombuffer(raw, dtype="<f4", count=scale_count, offset=p).astype(np.float32)
        if not np.isfinite(scales).all():
            raise self.fail("a scale is not a finite number", where)
        if offset % ALIGNMENT:
            raise self.fail(f"data offset {offset} is not a multiple of {ALIGNMENT}", where)
        if offset > header["data_length"] or length > header["data_length"] - offset:
            raise self.fail(f"data range [{offset}, +{length}) lies outside the {header['data_length']}-byte data section", where)
        expected_shape = _expected_shape(name, metadata["architecture"], len(metadata["labels"]))
        if expected_shape is not None and tuple(shape) != expected_shape:
            raise self.fail(f"shape {list(shape)} does not match the architecture, which needs {list(expected_shape)}", where)
        start = header["data_offset"] + offset
        tensor = EbmTensor(name, dtype, tuple(int(s) for s in shape), scale_kind, scales, start,
                           self.data[start: start + length])
        self.check_data(tensor, checksum)
        return tensor, at + size

    def check_data(self, t: EbmTensor, checksum: int) -> None:
        where = f"tensor '{t.name}', byte {t.offset}"
        if self.verify:
            actual = crc32c(t.data)
            if actual != checksum:
                raise self.fail(f"data checksum mismatch: stored 0x{checksum:08X}, computed 0x{actual:08X}; the file is corrupt", where)
        # The packing invariants are cheap and the unpacking relies on them, so they are always checked.
        if t.dtype in ("binary", "ternary"):
            n, k = t.shape
            stride = row_stride_words(k)
            words = np.frombuffer(t.data, dtype="<u8")
            planes = [words] if t.dtype == "binary" else [words[: n * stride], words[n * stride:]]
            for plane in planes:
                if not padding_bits_clear(plane.reshape(n, stride), n, k):
                    raise self.fail("padding bits past column K are not zero", where)
            if t.dtype == "ternary" and np.any(planes[0] & ~planes[1]):
                raise self.fail("ternary sign bit set where the nonzero bit is 0", where)
        elif t.dtype == "i8":
            n, k = t.shape
            rows = np.frombuffer(t.data, dtype=np.int8).reshape(n, i8_row_stride(k))
            if rows[:, k:].any():
                raise self.fail("i8 row padding bytes are not zero", where)


def read_ebm(path: str | Path, verify_checksums: bool = True) -> EbmModel:
    """Reads and validates an .ebm file; raises EbmFormatError for any defect.

    verify_checksums=False skips the per-tensor data CRCs (header and sections are always checked).
    """
    path = Path(path)
    return load_ebm(path.read_bytes(), source=path.name, verify_checksums=verify_checksums)


def load_ebm(data: bytes, source: str = "<memory>", verify_checksums: bool = True) -> EbmModel:
    """Like read_ebm, from bytes in memory."""
    return _Reader(data, source, verify_checksums).read()
