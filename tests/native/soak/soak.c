/*
 * Soak test of libedgebert through its C ABI (issue 15; not part of the default suite):
 *   soak MODEL [--duration SECONDS] [--threads N] [--sessions S] [--warmup SECONDS]
 * N worker threads, each with S sessions (kernel threads 1 or 2) over one shared model, call
 * classify, classify_batch, embed and tokenize with a random mix of valid and invalid inputs
 * (invalid UTF-8, NULL text, too-long text in a non-truncating session, short buffers) and
 * compare every answer bit for bit with the single-threaded answer computed before they start.
 * A churn thread loads and frees the model (from the file and from memory) with a session and
 * one classification each time. The resident set size is sampled after the warm-up and at the
 * end (and averaged over the minute after the warm-up and the last minute: growth compares those
 * means). Prints one summary; exit 0 only with 0 wrong answers, 0 unexpected statuses and RSS
 * growth <= 5% after the warm-up.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <edgebert.h>
#include "../read_file.h"

#define MAX_TEXTS 16
#define MAX_IDS 1024
#define MAX_SESSIONS 8

static const char *model_path;
static edgebert_model *model;
static edgebert_model_info info;
static unsigned char *model_bytes;
static size_t model_size;
static atomic_int stop;
static atomic_long calls, wrong, unexpected, churns;

static const char *valid_texts[] = {
    "Win a free prize now",
    "see you at lunch tomorrow?",
    "URGENT! your account has been suspended, click here",
    "Héllo, WORLD! naïve café",
    "@everyone you won",
    "",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z", /* fits even a 32-token test model */
};
#define VALID_COUNT (sizeof valid_texts / sizeof valid_texts[0])

/* The single-threaded answers. */
static edgebert_classification expected_class[VALID_COUNT];
static float *expected_logits;    /* [VALID_COUNT][label_count] */
static float *expected_embedding; /* [VALID_COUNT][hidden_size] */
static int32_t expected_ids[VALID_COUNT][MAX_IDS];
static size_t expected_n[VALID_COUNT];
static char *long_text;           /* longer than max_length: INPUT_TOO_LONG where truncate = 0 */

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static long rss_kib(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f == NULL) return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static uint64_t next_random(uint64_t *state) {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static void fail(atomic_long *counter, const char *what, const char *text, edgebert_status status) {
    long n = atomic_fetch_add(counter, 1);
    if (n < 20) fprintf(stderr, "soak: %s on \"%.40s\": status %d, %s\n", what, text ? text : "(null)", (int)status, edgebert_last_error());
}

static void expect_status(edgebert_status got, edgebert_status want, const char *what, const char *text) {
    if (got != want) fail(&unexpected, what, text, got);
    else if (want != EDGEBERT_OK && edgebert_last_error()[0] == '\0') fail(&unexpected, "empty last error", text, got);
}

static void compute_expected(void) {
    edgebert_session *s = NULL;
    if (edgebert_session_create(model, NULL, &s) != EDGEBERT_OK) {
        fprintf(stderr, "soak: session: %s\n", edgebert_last_error());
        exit(2);
    }
    size_t labels = (size_t)info.label_count, hidden = (size_t)info.hidden_size;
    expected_logits = calloc(VALID_COUNT * (labels ? labels : 1), sizeof(float));
    expected_embedding = calloc(VALID_COUNT * hidden, sizeof(float));
    for (size_t t = 0; t < VALID_COUNT; t++) {
        if ((labels && edgebert_session_classify(s, valid_texts[t], EDGEBERT_NUL_TERMINATED, &expected_class[t],
                                                 expected_logits + t * labels, labels, NULL) != EDGEBERT_OK) ||
            edgebert_session_embed(s, valid_texts[t], EDGEBERT_NUL_TERMINATED, expected_embedding + t * hidden, hidden, NULL, NULL) != EDGEBERT_OK ||
            edgebert_session_tokenize(s, valid_texts[t], EDGEBERT_NUL_TERMINATED, expected_ids[t], MAX_IDS, &expected_n[t]) != EDGEBERT_OK) {
            fprintf(stderr, "soak: expected answer for text %zu: %s\n", t, edgebert_last_error());
            exit(2);
        }
    }
    edgebert_session_free(s);
    size_t length = (size_t)info.max_length * 4;
    long_text = malloc(length + 1);
    for (size_t i = 0; i < length; i++) long_text[i] = (i % 2) ? ' ' : 'a';
    long_text[length] = '\0';
}

typedef struct {
    int index;
    int sessions;
} worker_args;

static void one_call(edgebert_session *s, int strict, uint64_t *rng, float *logits, float *embedding, int32_t *ids) {
    size_t labels = (size_t)info.label_count, hidden = (size_t)info.hidden_size, needed = 0;
    size_t t = next_random(rng) % VALID_COUNT;
    const char *text = valid_texts[t];
    edgebert_classification c;
    edgebert_status st;
    atomic_fetch_add(&calls, 1);
    switch (next_random(rng) % 10) {
    case 0: /* invalid UTF-8 */
        expect_status(edgebert_session_classify(s, "ok \xc3\x28 bad", EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL), EDGEBERT_INVALID_UTF8, "classify invalid UTF-8", "ok \\xc3\\x28 bad");
        return;
    case 1: /* NULL text, NULL buffer: NULL_POINTER before the size */
        expect_status(edgebert_session_embed(s, NULL, EDGEBERT_NUL_TERMINATED, NULL, 0, &needed, NULL), EDGEBERT_NULL_POINTER, "embed NULL text", NULL);
        return;
    case 2: /* a short buffer reports the size */
        st = edgebert_session_tokenize(s, text, EDGEBERT_NUL_TERMINATED, ids, 1, &needed);
        expect_status(st, EDGEBERT_BUFFER_TOO_SMALL, "tokenize short buffer", text);
        if (st == EDGEBERT_BUFFER_TOO_SMALL && needed != expected_n[t]) fail(&wrong, "tokenize needed", text, st);
        return;
    case 3: /* too long where the session does not truncate; cut where it does */
        st = edgebert_session_classify(s, long_text, EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL);
        expect_status(st, strict ? EDGEBERT_INPUT_TOO_LONG : EDGEBERT_OK, "classify long text", "a a a ...");
        if (!strict && st == EDGEBERT_OK && (c.truncated != 1 || c.token_count != info.max_length)) fail(&wrong, "long text not cut", "a a a ...", st);
        return;
    case 4:
    case 5:
        if (labels) {
            st = edgebert_session_classify(s, text, EDGEBERT_NUL_TERMINATED, &c, logits, labels, &needed);
            expect_status(st, EDGEBERT_OK, "classify", text);
            if (st == EDGEBERT_OK && (memcmp(&c, &expected_class[t], sizeof c) != 0 || memcmp(logits, expected_logits + t * labels, labels * sizeof *logits) != 0))
                fail(&wrong, "classify differs", text, st);
            return;
        }
        /* an encoder-only model embeds instead */
        __attribute__((fallthrough));
    case 6:
        st = edgebert_session_embed(s, text, EDGEBERT_NUL_TERMINATED, embedding, hidden, &needed, NULL);
        expect_status(st, EDGEBERT_OK, "embed", text);
        if (st == EDGEBERT_OK && memcmp(embedding, expected_embedding + t * hidden, hidden * sizeof *embedding) != 0) fail(&wrong, "embed differs", text, st);
        return;
    case 7:
        st = edgebert_session_tokenize(s, text, EDGEBERT_NUL_TERMINATED, ids, MAX_IDS, &needed);
        expect_status(st, EDGEBERT_OK, "tokenize", text);
        if (st == EDGEBERT_OK && (needed != expected_n[t] || memcmp(ids, expected_ids[t], needed * sizeof *ids) != 0)) fail(&wrong, "tokenize differs", text, st);
        return;
    default:
        if (labels) {
            const char *batch[3] = {valid_texts[t], valid_texts[(t + 1) % VALID_COUNT], valid_texts[(t + 2) % VALID_COUNT]};
            edgebert_classification results[3];
            st = edgebert_session_classify_batch(s, batch, NULL, 3, results, NULL, 0, NULL);
            expect_status(st, EDGEBERT_OK, "classify_batch", text);
            for (size_t i = 0; st == EDGEBERT_OK && i < 3; i++) {
                if (memcmp(&results[i], &expected_class[(t + i) % VALID_COUNT], sizeof results[i]) != 0) fail(&wrong, "batch differs", batch[i], st);
            }
        }
        return;
    }
}

static void *worker(void *arg) {
    worker_args *a = arg;
    uint64_t rng = 0x9E3779B97F4A7C15ull * (uint64_t)(a->index + 1);
    edgebert_session *sessions[MAX_SESSIONS];
    int strict[MAX_SESSIONS];
    for (int i = 0; i < a->sessions; i++) {
        edgebert_session_params p = edgebert_session_default_params();
        p.threads = 1 + (i % 2);     /* every other session runs its kernels on two threads */
        p.truncate = (i % 3 != 2);   /* every third session refuses over-long text */
        strict[i] = !p.truncate;
        sessions[i] = NULL;
        if (edgebert_session_create(model, &p, &sessions[i]) != EDGEBERT_OK) fail(&unexpected, "session_create", NULL, EDGEBERT_INTERNAL);
    }
    float *logits = calloc((size_t)(info.label_count ? info.label_count : 1), sizeof(float));
    float *embedding = calloc((size_t)info.hidden_size, sizeof(float));
    int32_t *ids = calloc(MAX_IDS, sizeof(int32_t));
    while (!atomic_load(&stop)) {
        int i = (int)(next_random(&rng) % (uint64_t)a->sessions);
        if (sessions[i] != NULL) one_call(sessions[i], strict[i], &rng, logits, embedding, ids);
    }
    for (int i = 0; i < a->sessions; i++) edgebert_session_free(sessions[i]);
    free(logits);
    free(embedding);
    free(ids);
    return NULL;
}

/* Loads and frees the model over and over (file and memory), each time with a session and one answer. */
static void *churn(void *arg) {
    (void)arg;
    for (long round = 0; !atomic_load(&stop); round++) {
        edgebert_model *m = NULL;
        edgebert_status st = (round % 2) ? edgebert_model_load(model_path, &m) : edgebert_model_load_from_memory(model_bytes, model_size, &m);
        expect_status(st, EDGEBERT_OK, "churn load", model_path);
        if (st != EDGEBERT_OK) continue;
        edgebert_session *s = NULL;
        st = edgebert_session_create(m, NULL, &s);
        expect_status(st, EDGEBERT_OK, "churn session", NULL);
        size_t ids_n = 0;
        int32_t ids[MAX_IDS];
        if (st == EDGEBERT_OK) {
            st = edgebert_session_tokenize(s, valid_texts[0], EDGEBERT_NUL_TERMINATED, ids, MAX_IDS, &ids_n);
            if (st != EDGEBERT_OK || ids_n != expected_n[0] || memcmp(ids, expected_ids[0], ids_n * sizeof *ids) != 0) fail(&wrong, "churn tokenize", valid_texts[0], st);
            edgebert_classification c;
            if (info.label_count && (st = edgebert_session_classify(s, valid_texts[0], EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL)) == EDGEBERT_OK &&
                memcmp(&c, &expected_class[0], sizeof c) != 0) fail(&wrong, "churn classify differs", valid_texts[0], st);
        }
        /* Half the time the model goes first: the session keeps it alive. */
        if (round % 4 < 2) { edgebert_model_free(m); edgebert_session_free(s); }
        else { edgebert_session_free(s); edgebert_model_free(m); }
        /* A damaged copy is a clean MODEL_FORMAT, never a crash. */
        if (round % 16 == 0) {
            edgebert_model *bad = NULL;
            expect_status(edgebert_model_load_from_memory(model_bytes, model_size / 2, &bad), EDGEBERT_MODEL_FORMAT, "churn truncated load", NULL);
        }
        atomic_fetch_add(&churns, 1);
    }
    return NULL;
}

int main(int argc, char **argv) {
    double duration = 60, warmup = -1;
    int threads = 4, sessions = 2;
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODEL [--duration SECONDS] [--threads N] [--sessions S] [--warmup SECONDS]\n", argv[0]);
        return 2;
    }
    model_path = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--duration") == 0) duration = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--threads") == 0) threads = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--sessions") == 0) sessions = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--warmup") == 0) warmup = atof(argv[i + 1]);
        else { fprintf(stderr, "soak: unknown option %s\n", argv[i]); return 2; }
    }
    if (duration <= 0 || threads < 1 || threads > 256 || sessions < 1 || sessions > MAX_SESSIONS) {
        fprintf(stderr, "soak: need --duration > 0, --threads 1..256, --sessions 1..%d\n", MAX_SESSIONS);
        return 2;
    }
    if (warmup < 0) warmup = duration / 10 < 60 ? duration / 10 : 60;
    model_bytes = read_file(model_path, &model_size);
    if (model_bytes == NULL || edgebert_model_load(model_path, &model) != EDGEBERT_OK) {
        fprintf(stderr, "soak: cannot load %s: %s\n", model_path, edgebert_last_error());
        return 2;
    }
    info.struct_size = sizeof info;
    edgebert_model_get_info(model, &info);
    compute_expected();
    long rss_before = rss_kib();

    pthread_t workers[256], churner;
    worker_args args[256];
    double start = now();
    for (int i = 0; i < threads; i++) {
        args[i] = (worker_args){.index = i, .sessions = sessions};
        if (pthread_create(&workers[i], NULL, worker, &args[i]) != 0) { fprintf(stderr, "soak: pthread_create\n"); return 2; }
    }
    if (pthread_create(&churner, NULL, churn, NULL) != 0) { fprintf(stderr, "soak: pthread_create\n"); return 2; }

    /* RSS moves with the GC's heap by several percent between two samples, so growth compares
     * means: the minute (at most) after the warm-up against the last minute. */
    double window = (duration - warmup) / 2 < 60 ? (duration - warmup) / 2 : 60;
    long rss_warm = -1, rss_max = 0;
    double first_sum = 0, last_sum = 0;
    long first_n = 0, last_n = 0;
    double next_report = start + 60;
    while (now() - start < duration) {
        nanosleep(&(struct timespec){.tv_nsec = 200 * 1000 * 1000}, NULL);
        long rss = rss_kib();
        double t = now() - start;
        if (rss > rss_max) rss_max = rss;
        if (rss_warm < 0 && t >= warmup) rss_warm = rss;
        if (t >= warmup && t < warmup + window) { first_sum += (double)rss; first_n++; }
        if (t >= duration - window) { last_sum += (double)rss; last_n++; }
        if (now() >= next_report) {
            fprintf(stderr, "soak: %.0f s, %ld calls, %ld churns, %ld wrong, %ld unexpected, RSS %ld KiB\n",
                    now() - start, atomic_load(&calls), atomic_load(&churns), atomic_load(&wrong), atomic_load(&unexpected), rss);
            next_report += 60;
        }
    }
    long rss_end = rss_kib();
    if (rss_warm < 0) rss_warm = rss_end;
    atomic_store(&stop, 1);
    for (int i = 0; i < threads; i++) pthread_join(workers[i], NULL);
    pthread_join(churner, NULL);
    edgebert_model_free(model);
    double elapsed = now() - start;
    double first_mean = first_n ? first_sum / (double)first_n : (double)rss_warm;
    double last_mean = last_n ? last_sum / (double)last_n : (double)rss_end;
    double growth = first_mean > 0 ? 100.0 * (last_mean - first_mean) / first_mean : 0;
    printf("soak: model %s, %.0f s, %d threads x %d sessions + 1 churn thread\n", model_path, elapsed, threads, sessions);
    printf("soak: %ld calls (%.0f/s), %ld model load/free cycles\n", atomic_load(&calls), atomic_load(&calls) / elapsed, atomic_load(&churns));
    printf("soak: %ld wrong answers, %ld unexpected statuses\n", atomic_load(&wrong), atomic_load(&unexpected));
    printf("soak: RSS before threads %ld KiB, after the %.0f s warm-up %ld KiB, at the end %ld KiB (max %ld KiB)\n",
           rss_before, warmup, rss_warm, rss_end, rss_max);
    printf("soak: RSS mean over the %.0f s after warm-up %.0f KiB, over the last %.0f s %.0f KiB: growth %+.2f%%\n",
           window, first_mean, window, last_mean, growth);
    int ok = atomic_load(&wrong) == 0 && atomic_load(&unexpected) == 0 && growth <= 5.0;
    printf("soak: %s\n", ok ? "PASS" : "FAIL");
    free(model_bytes);
    free(long_text);
    free(expected_logits);
    free(expected_embedding);
    return ok ? 0 : 1;
}
