"""PyTorch peer of EdgeBert's end-to-end benchmark (issue #4): the same post-LN BERT as
scripts/torch/bert_reference.py, random weights, in FP32 (nn.Linear → BLAS, OpenBLAS on Debian's
python3-torch with libopenblas0-pthread) and with torch.quantization.quantize_dynamic (qint8
Linear weights, activations quantized per call), one thread by default, batch 1.

    /usr/bin/python3 benchmarks/peers/bert_torch_bench.py                 # BERT-base, seq 128, 20 runs
    /usr/bin/python3 benchmarks/peers/bert_torch_bench.py --runs 3 --warmup 1 --layers 2   # smoke
    /usr/bin/python3 benchmarks/peers/bert_torch_bench.py --model DIR/model-fp32.ebm --inputs DIR/inputs.json \
        --threads 2 --batch-strategies own-length,sorted-8,padded-32     # benchmarks/end-to-end.sh

With --model the weights (and shape) come from an FP32 .ebm instead of the seed, and with
--inputs the ids come from the harness's inputs.json (benchmarks/EdgeBert.Peers prepare): the
128-token sequence for the latency, and the mixed-length batch for --batch-strategies, which
times one pass over the batch per strategy (the plans of benchmarks/EdgeBert.Peers/BatchPlan.cs):
own-length (batch 1, each text at its own length), sorted-8 (sorted by length, batches of 8
padded to the batch's longest, attention mask), padded-32 (one batch padded to the longest).

Each variant runs in its own child process, so its peak RSS (ru_maxrss) is its own. Prints a
table, then one JSON document (ms per sequence: median/min/max over --runs after --warmup, peak
RSS, the BLAS libraries actually mapped into the process, torch.__config__.show()). Timings taken
on a loaded machine mean nothing; the lead times it on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

# Every pool torch may use gets --threads threads; these must be set before torch is imported
# (torch.set_num_threads does not reach OpenBLAS's own pool).
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
VARIANTS = ("fp32", "dynamic-int8")
SORTED_GROUP = 8
BATCH_STRATEGIES = ("own-length", f"sorted-{SORTED_GROUP}", "padded-32")
REPO = Path(__file__).resolve().parents[2]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--layers", type=int, default=12)
    p.add_argument("--hidden", type=int, default=768)
    p.add_argument("--heads", type=int, default=12)
    p.add_argument("--ffn", type=int, default=3072)
    p.add_argument("--vocab", type=int, default=30522)
    p.add_argument("--seq", type=int, default=128, help="tokens per sequence")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated subset of {','.join(VARIANTS)}")
    p.add_argument("--model", help="FP32 .ebm to take the weights and shape from (instead of the seed)")
    p.add_argument("--inputs", help="inputs.json of benchmarks/EdgeBert.Peers: the ids to run")
    p.add_argument("--batch-strategies", default="", help=f"with --inputs: comma-separated subset of {','.join(BATCH_STRATEGIES)}")
    p.add_argument("--batch-runs", type=int, default=3, help="timed passes over the batch per strategy")
    p.add_argument("--json", help="also write the JSON document to this file")
    p.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    for name in ("layers", "hidden", "heads", "ffn", "vocab", "seq", "batch", "threads", "runs", "batch_runs"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        p.error("--warmup must be at least 0")
    if args.hidden % args.heads:
        p.error(f"--heads {args.heads} must divide --hidden {args.hidden}")
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown or not variants:
        p.error(f"unknown variant(s) {unknown}; choose from {', '.join(VARIANTS)}")
    args.variants = variants
    strategies = [s.strip() for s in args.batch_strategies.split(",") if s.strip()]
    if [s for s in strategies if s not in BATCH_STRATEGIES]:
        p.error(f"unknown batch strategy in {strategies}; choose from {', '.join(BATCH_STRATEGIES)}")
    if strategies and not args.inputs:
        p.error("--batch-strategies needs --inputs (the batch)")
    args.batch_strategies = strategies
    return args


def thread_env(threads: int) -> dict[str, str]:
    return {name: str(threads) for name in THREAD_VARIABLES}


def batch_plan(strategy: str, lengths: list[int]) -> list[list[int]]:
    """The calls of one strategy: groups of text indices, each padded to its longest (BatchPlan.cs)."""
    order = list(range(len(lengths)))
    if strategy == "own-length":
        return [[i] for i in order]
    if strategy == f"sorted-{SORTED_GROUP}":
        ranked = sorted(order, key=lambda i: lengths[i])  # stable, as LINQ's OrderBy
        return [ranked[k:k + SORTED_GROUP] for k in range(0, len(ranked), SORTED_GROUP)]
    if strategy == "padded-32":
        return [order]
    raise ValueError(f"unknown batch strategy '{strategy}'")


def openblas_core() -> dict[str, str]:
    """OpenBLAS's kernel choice (openblas_get_corename) and build (openblas_get_config), when it is loaded."""
    import ctypes

    for path in mapped_blas_libraries():
        try:
            library = ctypes.CDLL(path)
            library.openblas_get_corename.restype = ctypes.c_char_p
            library.openblas_get_config.restype = ctypes.c_char_p
            return {"library": path, "corename": library.openblas_get_corename().decode(),
                    "config": library.openblas_get_config().decode().strip()}
        except (OSError, AttributeError):
            continue
    return {}


def mapped_blas_libraries() -> list[str]:
    """The BLAS/LAPACK shared objects really loaded (Debian picks libblas.so.3 by alternatives)."""
    libs = set()
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            if any(key in path.lower() for key in ("blas", "lapack", "mkl")):
                libs.add(os.path.realpath(path))
    return sorted(libs)


def current_rss_mib() -> float:
    """Resident set size now (the second field of /proc/self/statm, in pages)."""
    with open("/proc/self/statm", encoding="utf-8") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def release_free_heap() -> None:
    """Gives freed heap back to the OS (glibc malloc_trim), so the RSS after the runs is the
    variant's steady state and not the FP32 weights quantize_dynamic has just replaced."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the RSS then also counts freed memory


def child(args) -> dict:
    """Builds, optionally quantizes and times one variant; returns its measurements."""
    import resource
    import time

    import torch
    from torch import nn

    sys.path.insert(0, str(REPO / "scripts" / "torch"))
    from bert_reference import BertClassifier, BertConfig

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rss_after_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if args.model:
        from bert_reference import from_ebm
        from ebm import read_ebm

        model = from_ebm(read_ebm(args.model))  # the harness's weights, shared with EdgeBert and ONNX Runtime
    else:
        config = BertConfig(args.vocab, args.hidden, args.layers, args.heads, args.ffn, max_positions=max(512, args.seq),
                            labels=("ham", "spam"))
        model = BertClassifier(config)
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.normal_(0.0, 0.02)  # BERT's initialiser; the same seed gives both variants the same weights
    model.eval()
    engine = None
    if args.child == "dynamic-int8":
        # fbgemm is the x86 engine; Debian's build has none and falls back to onednn or qnnpack.
        engines = torch.backends.quantized.supported_engines
        engine = next(e for e in ("fbgemm", "x86", "onednn", "qnnpack") if e in engines)
        torch.backends.quantized.engine = engine
        model = torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8, inplace=True)
    release_free_heap()
    inputs = json.loads(Path(args.inputs).read_text(encoding="utf-8")) if args.inputs else None
    if inputs is not None:
        ids = torch.tensor([inputs["single"]["ids"]] * args.batch, dtype=torch.long)
    else:
        generator = torch.Generator().manual_seed(args.seed + 1)
        ids = torch.randint(0, args.vocab, (args.batch, args.seq), generator=generator)
    type_ids = torch.zeros_like(ids)
    times_ms = []
    with torch.inference_mode():
        for _ in range(args.warmup):
            logits = model(ids, type_ids)
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(args.runs):
            start = time.perf_counter_ns()
            logits = model(ids, type_ids)
            times_ms.append((time.perf_counter_ns() - start) / 1e6 / args.batch)
        # CPU seconds per wall second while timing: about 1.0 proves one busy thread.
        cpu_per_wall = (time.process_time() - cpu_start) / (time.perf_counter() - wall_start)
        batch, batch_logits = time_batch(model, inputs, args) if args.batch_strategies else ([], [])
    linear_count = sum(1 for m in model.modules() if type(m).__name__ == "Linear" and "quantized" in type(m).__module__)
    c = model.config
    return {
        "variant": args.child,
        "shape": {"layers": c.layers, "hidden": c.hidden_size, "heads": c.heads, "ffn": c.ffn_size, "vocab": c.vocab_size,
                  "seq": int(ids.shape[1]), "batch": int(ids.shape[0])},
        "ms_per_sequence": {"median": statistics.median(times_ms), "min": min(times_ms), "max": max(times_ms)},
        "runs_ms": times_ms,
        "cpu_per_wall": cpu_per_wall,
        # Peak includes building the FP32 model (and, for int8, quantizing it next to the FP32 copy);
        # the current RSS after the timing loop is the steady state of the variant.
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_after_runs_mib": current_rss_mib(),
        "rss_after_import_mib": rss_after_import / 1024,
        "quantized_engine": engine,
        "quantized_linear_layers": linear_count,
        "logits_first_sequence": [float(v) for v in logits[0].tolist()],
        "batch": batch,
        "batch_logits": batch_logits,
        "torch_threads": torch.get_num_threads(),
        "blas_libraries": mapped_blas_libraries(),
        "openblas": openblas_core(),
    }


def time_batch(model, inputs, args) -> tuple[list[dict], list[list[float]]]:
    """One pass over the batch per strategy, --batch-runs times after one warm-up pass; returns
    the timings and the logits of every text in input order (the last strategy's)."""
    import time

    import torch

    sequences = [s["ids"] for s in inputs["batch"]]
    lengths = [len(s) for s in sequences]
    results, logits = [], [None] * len(sequences)
    for strategy in args.batch_strategies:
        calls = []
        for group in batch_plan(strategy, lengths):
            width = max(lengths[i] for i in group)
            ids = torch.zeros((len(group), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            for row, i in enumerate(group):
                ids[row, :lengths[i]] = torch.tensor(sequences[i])
                mask[row, :lengths[i]] = 1
            calls.append((group, ids, torch.zeros_like(ids), mask))
        passes_ms = []
        with torch.inference_mode():
            for run in range(args.batch_runs + 1):  # the first pass warms up
                start = time.perf_counter_ns()
                for group, ids, type_ids, mask in calls:
                    out = model(ids, type_ids, mask)
                    for row, i in enumerate(group):
                        logits[i] = out[row]
                if run > 0:
                    passes_ms.append((time.perf_counter_ns() - start) / 1e6)
        median = statistics.median(passes_ms)
        results.append({"strategy": strategy, "pass": {"median_ms": median, "min_ms": min(passes_ms), "max_ms": max(passes_ms),
                                                       "runs": len(passes_ms)},
                        "sequences_per_second": len(sequences) * 1000.0 / median,
                        "computed_tokens": sum(len(g) * max(lengths[i] for i in g) for g in batch_plan(strategy, lengths))})
        print(f"  torch threads={args.threads} {args.child} batch {strategy}: {results[-1]['sequences_per_second']:.1f} sequences/s",
              file=sys.stderr)
    return results, [[float(v) for v in row.tolist()] for row in logits]


def run_child(args, variant: str) -> dict:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", variant,
            "--layers", str(args.layers), "--hidden", str(args.hidden), "--heads", str(args.heads),
            "--ffn", str(args.ffn), "--vocab", str(args.vocab), "--seq", str(args.seq), "--batch", str(args.batch),
            "--threads", str(args.threads), "--warmup", str(args.warmup), "--runs", str(args.runs), "--seed", str(args.seed),
            "--batch-runs", str(args.batch_runs)]
    if args.model:
        argv += ["--model", args.model]
    if args.inputs:
        argv += ["--inputs", args.inputs]
    if args.batch_strategies:
        argv += ["--batch-strategies", ",".join(args.batch_strategies)]
    env = {**os.environ, **thread_env(args.threads)}
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, text=True)  # stderr (progress) passes through
    if done.returncode != 0:
        raise RuntimeError(f"variant {variant} failed (exit {done.returncode})")
    print(f"  torch threads={args.threads} {variant}: done", file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    import torch  # for its version and build configuration only; the timing runs in the children

    results = [run_child(args, v) for v in args.variants]
    reference = next((r for r in results if r["variant"] == "fp32"), None)
    for r in results:
        if reference is not None:
            r["max_abs_logit_diff_vs_fp32"] = max(abs(a - b) for a, b in zip(r["logits_first_sequence"], reference["logits_first_sequence"]))
    document = {
        "benchmark": "bert-end-to-end-torch",
        "shape": results[0]["shape"],
        "threads": args.threads, "warmup": args.warmup, "runs": args.runs, "seed": args.seed,
        "thread_env": thread_env(args.threads),
        "model": args.model, "inputs": args.inputs,
        "openblas_environment": {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ},
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "cpu": cpu_model(),
        "results": results,
        "torch_config": torch.__config__.show(),
    }
    shape = document["shape"]
    print(f"BERT L={shape['layers']} H={shape['hidden']} A={shape['heads']} F={shape['ffn']} seq={shape['seq']} batch={shape['batch']} "
          f"threads={args.threads} runs={args.runs} (warm-up {args.warmup}); torch {torch.__version__}; {document['cpu']}")
    print(f"{'variant':<14}{'median ms':>11}{'min ms':>9}{'max ms':>9}{'peak RSS MiB':>14}{'RSS after MiB':>15}{'cpu/wall':>10}  engine / BLAS")
    for r in results:
        t = r["ms_per_sequence"]
        backend = r["quantized_engine"] or ", ".join(Path(p).name for p in r["blas_libraries"]) or "?"
        print(f"{r['variant']:<14}{t['median']:>11.2f}{t['min']:>9.2f}{t['max']:>9.2f}{r['peak_rss_mib']:>14.1f}"
              f"{r['rss_after_runs_mib']:>15.1f}{r['cpu_per_wall']:>10.2f}  {backend}")
    text = json.dumps(document, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
