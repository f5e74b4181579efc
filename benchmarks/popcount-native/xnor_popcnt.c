/* XNOR + VPOPCNTQ W1A1 tile at the BERT-base FFN-in shape (not part of the product).
 * y[m][n] = K - 2 * popcount(a_m XOR w_n), M tokens x N outputs x K bits, one thread.
 * Weights are stored as panels of 8 outputs, word-interleaved (panel[word][8]), like the C#
 * kernels' PanelWords, so one zmm holds word w of 8 outputs; a token's word is broadcast.
 * Register block: 4 tokens x 3 panels (24 outputs) = 12 accumulators of 8 x u64.
 * Build: gcc -O3 -march=native -mavx512f -mavx512vpopcntdq xnor_popcnt.c -o xnor_popcnt
 * Run:   ./xnor_popcnt [M N K seconds]   (defaults 128 3072 768 1.0) */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_u64(void) { rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17; return rng_state; }

/* a: M x kw words (row-major); p: (N/8) panels x kw x 8 words; y: M x N ints. M % 4 == 0, N % 24 == 0. */
static void gemm(const uint64_t *a, const uint64_t *p, int32_t *y, int m, int n, int kw, int k)
{
    for (int p0 = 0; p0 < n / 8; p0 += 3) {
        const uint64_t *w0 = p + (size_t)p0 * kw * 8, *w1 = w0 + (size_t)kw * 8, *w2 = w1 + (size_t)kw * 8;
        for (int t = 0; t < m; t += 4) {
            __m512i c[4][3];
            for (int r = 0; r < 4; r++) for (int q = 0; q < 3; q++) c[r][q] = _mm512_setzero_si512();
            const uint64_t *ar = a + (size_t)t * kw;
            for (int w = 0; w < kw; w++) {
                __m512i v0 = _mm512_load_si512(w0 + w * 8), v1 = _mm512_load_si512(w1 + w * 8), v2 = _mm512_load_si512(w2 + w * 8);
                for (int r = 0; r < 4; r++) {
                    __m512i b = _mm512_set1_epi64((long long)ar[(size_t)r * kw + w]);
                    c[r][0] = _mm512_add_epi64(c[r][0], _mm512_popcnt_epi64(_mm512_xor_si512(b, v0)));
                    c[r][1] = _mm512_add_epi64(c[r][1], _mm512_popcnt_epi64(_mm512_xor_si512(b, v1)));
                    c[r][2] = _mm512_add_epi64(c[r][2], _mm512_popcnt_epi64(_mm512_xor_si512(b, v2)));
                }
            }
            for (int r = 0; r < 4; r++) for (int q = 0; q < 3; q++) {
                __m256i cnt = _mm512_cvtepi64_epi32(c[r][q]);
                __m256i dot = _mm256_sub_epi32(_mm256_set1_epi32(k), _mm256_slli_epi32(cnt, 1));
                _mm256_storeu_si256((__m256i *)(y + (size_t)(t + r) * n + (p0 + q) * 8), dot);
            }
        }
    }
}

int main(int argc, char **argv)
{
    int m = argc > 1 ? atoi(argv[1]) : 128, n = argc > 2 ? atoi(argv[2]) : 3072, k = argc > 3 ? atoi(argv[3]) : 768;
    double seconds = argc > 4 ? atof(argv[4]) : 1.0;
    if (m % 4 || n % 24 || k % 64 || m <= 0 || n <= 0 || k <= 0) { fprintf(stderr, "need M %% 4 == 0, N %% 24 == 0, K %% 64 == 0\n"); return 2; }
    int kw = k / 64;
    uint64_t *a = aligned_alloc(64, (size_t)m * kw * 8), *w = aligned_alloc(64, (size_t)n * kw * 8), *p = aligned_alloc(64, (size_t)n * kw * 8);
    int32_t *y = aligned_alloc(64, (size_t)m * n * 4);
    for (size_t i = 0; i < (size_t)m * kw; i++) a[i] = next_u64();
    for (size_t i = 0; i < (size_t)n * kw; i++) w[i] = next_u64();
    for (int j = 0; j < n; j++) for (int q = 0; q < kw; q++) p[((size_t)(j / 8) * kw + q) * 8 + j % 8] = w[(size_t)j * kw + q];

    gemm(a, p, y, m, n, kw, k);
    /* Check against a plain loop. */
    for (int t = 0; t < m; t++) for (int j = 0; j < n; j++) {
        int c = 0;
        for (int q = 0; q < kw; q++) c += __builtin_popcountll(a[(size_t)t * kw + q] ^ w[(size_t)j * kw + q]);
        if (y[(size_t)t * n + j] != k - 2 * c) { fprintf(stderr, "mismatch at %d,%d\n", t, j); return 1; }
    }
    double best = 1e30, start = now();
    long reps = 0;
    while (now() - start < seconds) {
        double t0 = now();
        gemm(a, p, y, m, n, kw, k);
        double dt = now() - t0;
        if (dt < best) best = dt;
        reps++;
    }
    double macs = (double)m * n * k;
    printf("xnor+vpopcntq M=%d N=%d K=%d: best %.1f us over %ld reps = %.1f G bit-MAC/s (%.3f T)\n", m, n, k, best * 1e6, reps, macs / best * 1e-9, macs / best * 1e-12);
    free(a); free(w); free(p); free(y);
    return 0;
}
