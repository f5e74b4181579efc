/*
 * cpu_variant.h - which x86-64 build of EdgeBert to run on this CPU (shared by the bin/edgebert
 * launcher and the libedgebert.so shim).
 *
 * A NativeAOT binary only executes the instruction sets it was compiled for: .NET 10's ILC never
 * emits AVX2 or AVX-512 above an x86-64-v2 baseline, not even behind IsSupported checks (VEX and
 * EVEX encodings are not "opportunistic"). So EdgeBert ships one build per level
 * (x86-64-v2, -v3, -v4) and picks the best one at start-up, the way ggml ships CPU variants.
 */
#ifndef EDGEBERT_CPU_VARIANT_H
#define EDGEBERT_CPU_VARIANT_H

#include <stddef.h>

/* Environment variable that forces a lower level, e.g. EDGEBERT_CPU_VARIANT=x86-64-v3. */
#define EDGEBERT_CPU_VARIANT_ENV "EDGEBERT_CPU_VARIANT"

/* The lowest and highest levels a build exists for. */
#define EDGEBERT_LEVEL_MIN 2
#define EDGEBERT_LEVEL_MAX 4

/* Highest x86-64 psABI level (1..4) that this CPU and OS support. When below 4, *missing (if not
 * NULL) names the first feature the next level lacks, as /proc/cpuinfo spells it. */
int edgebert_cpu_level(const char **missing);

/* Whether the build for `level` is installed; ctx is the caller's. */
typedef int (*edgebert_level_installed)(int level, void *ctx);

/* Chooses the level to run: the highest installed level the CPU supports, capped by `requested`
 * (the value of EDGEBERT_CPU_VARIANT, NULL or "" when unset). Writes one line saying why into
 * reason[size]. Returns the level (2..4); 0 when nothing can run (CPU below x86-64-v2 or no
 * build installed); -1 when `requested` is not a level name. */
int edgebert_choose_level(const char *requested, edgebert_level_installed installed, void *ctx,
                          char *reason, size_t size);

#endif
