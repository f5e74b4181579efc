/* cpu_variant.c - CPU level detection and variant choice (see cpu_variant.h). */
#include "cpu_variant.h"

#include <cpuid.h>
#include <stdio.h>
#include <string.h>

/* XCR0: which register states the OS saves (AVX needs XMM|YMM; AVX-512 also opmask|ZMM). */
static unsigned long long xcr0(void)
{
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

struct feature {
    const char *name;
    int present;
};

/* First absent feature of list[count], or NULL when all are present. */
static const char *first_missing(const struct feature *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!list[i].present) return list[i].name;
    return NULL;
}

int edgebert_cpu_level(const char **missing)
{
    unsigned a, b, c, d;
    unsigned c1 = 0, b7 = 0, c81 = 0;
    unsigned max = __get_cpuid_max(0, NULL);
    if (max >= 1) { __cpuid(1, a, b, c, d); c1 = c; }
    if (max >= 7) { __cpuid_count(7, 0, a, b, c, d); b7 = b; }
    if (__get_cpuid_max(0x80000000u, NULL) >= 0x80000001u) { __cpuid(0x80000001u, a, b, c, d); c81 = c; }
    int osxsave = (c1 >> 27) & 1;
    unsigned long long xcr = osxsave ? xcr0() : 0;

    /* The x86-64 psABI levels, as the .NET runtime checks them at start-up. */
    const struct feature v2[] = {
        {"cx16", (c1 >> 13) & 1}, {"lahf_lm", c81 & 1},        {"popcnt", (c1 >> 23) & 1},
        {"pni", c1 & 1},          {"sse4_1", (c1 >> 19) & 1},  {"sse4_2", (c1 >> 20) & 1},
        {"ssse3", (c1 >> 9) & 1},
    };
    const struct feature v3[] = {
        {"avx", (c1 >> 28) & 1},   {"osxsave (AVX state)", osxsave && (xcr & 0x6) == 0x6},
        {"avx2", (b7 >> 5) & 1},   {"bmi1", (b7 >> 3) & 1},    {"bmi2", (b7 >> 8) & 1},
        {"f16c", (c1 >> 29) & 1},  {"fma", (c1 >> 12) & 1},    {"abm (lzcnt)", (c81 >> 5) & 1},
        {"movbe", (c1 >> 22) & 1},
    };
    const struct feature v4[] = {
        {"avx512f", (b7 >> 16) & 1},  {"avx512dq", (b7 >> 17) & 1}, {"avx512cd", (b7 >> 28) & 1},
        {"avx512bw", (b7 >> 30) & 1}, {"avx512vl", (b7 >> 31) & 1},
        {"AVX-512 state saved by the OS", (xcr & 0xe6) == 0xe6},
    };
    const char *lack;
    int level = 1;
    if ((lack = first_missing(v2, sizeof v2 / sizeof v2[0])) == NULL) {
        level = 2;
        if ((lack = first_missing(v3, sizeof v3 / sizeof v3[0])) == NULL) {
            level = 3;
            if ((lack = first_missing(v4, sizeof v4 / sizeof v4[0])) == NULL) level = 4;
        }
    }
    if (missing) *missing = lack;
    return level;
}

/* "x86-64-v3" -> 3; "" or NULL -> 0; anything else -> -1. */
static int parse_level(const char *text)
{
    if (text == NULL || text[0] == '\0') return 0;
    for (int level = EDGEBERT_LEVEL_MIN; level <= EDGEBERT_LEVEL_MAX; level++) {
        char name[16];
        snprintf(name, sizeof name, "x86-64-v%d", level);
        if (strcmp(text, name) == 0) return level;
    }
    return -1;
}

int edgebert_choose_level(const char *requested, edgebert_level_installed installed, void *ctx,
                          char *reason, size_t size)
{
    const char *missing = NULL;
    int cpu = edgebert_cpu_level(&missing);
    int wanted = parse_level(requested);
    if (wanted < 0) {
        snprintf(reason, size, "%s='%s' is not one of x86-64-v2, x86-64-v3, x86-64-v4",
                 EDGEBERT_CPU_VARIANT_ENV, requested);
        return -1;
    }
    if (cpu < EDGEBERT_LEVEL_MIN) {
        snprintf(reason, size, "this CPU lacks %s, which x86-64-v2 (the lowest build) requires", missing);
        return 0;
    }
    int cap = cpu;
    char why[160];
    if (cpu < EDGEBERT_LEVEL_MAX)
        snprintf(why, sizeof why, "the best level this CPU supports (no %s for x86-64-v%d)", missing, cpu + 1);
    else
        snprintf(why, sizeof why, "the best level this CPU supports");
    if (wanted > cpu) {
        char tmp[sizeof why];
        snprintf(tmp, sizeof tmp, "%s", why);
        snprintf(why, sizeof why, "%s=%s is more than this CPU has; %s", EDGEBERT_CPU_VARIANT_ENV, requested, tmp);
    } else if (wanted != 0) {
        cap = wanted;
        snprintf(why, sizeof why, "forced by %s=%s (this CPU supports x86-64-v%d)", EDGEBERT_CPU_VARIANT_ENV, requested, cpu);
    }
    for (int level = cap; level >= EDGEBERT_LEVEL_MIN; level--) {
        if (!installed(level, ctx)) continue;
        if (level == cap) snprintf(reason, size, "%s", why);
        else snprintf(reason, size, "%s; x86-64-v%d is not installed", why, cap);
        return level;
    }
    snprintf(reason, size, "no build for x86-64-v2..x86-64-v%d is installed", cap);
    return 0;
}
