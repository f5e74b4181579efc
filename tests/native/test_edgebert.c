/*
 * C tests of libedgebert through its public header only.
 *   test_edgebert MODEL [--counts FILE] [--only NAME]
 * MODEL is a .ebm with labels (scripts/test.d/native.sh makes a small random one). Each test
 * prints PASS/FAIL; --counts writes "PASSED FAILED" for scripts/test.sh; --only runs one test
 * (native.sh runs "threads" under valgrind).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <edgebert.h>

#include "harness.h"
#include "read_file.h"

int harness_failures;
static const char *model_path;

/* --- helpers ------------------------------------------------------------------------------ */

static int write_file(const char *path, const void *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) return 0;
    size_t written = fwrite(data, 1, size, f);
    fclose(f);
    return written == size;
}

static edgebert_model *load_model(void) {
    edgebert_model *model = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_model_load(model_path, &model));
    return model;
}

static edgebert_model_info model_info(const edgebert_model *model) {
    edgebert_model_info info = {.struct_size = sizeof info};
    CHECK_STATUS(EDGEBERT_OK, edgebert_model_get_info(model, &info));
    return info;
}

static const char *const texts[] = {
    "a gripping, beautifully acted film",
    "the plot was dull and the ending made no sense",
    "Héllo, WORLD! naïve café",
    "",
};
#define TEXT_COUNT (sizeof texts / sizeof texts[0])

/* --- library ------------------------------------------------------------------------------ */

static void test_version(void) {
    CHECK(edgebert_abi_version() == EDGEBERT_ABI_VERSION, "abi %d, header %d", edgebert_abi_version(), EDGEBERT_ABI_VERSION);
    const char *version = edgebert_version();
    CHECK(version != NULL && version[0] >= '0' && version[0] <= '9', "version \"%s\"", version ? version : "(null)");
    CHECK(version == edgebert_version(), "edgebert_version must return the same static string");
}

static void test_system_info(void) {
    size_t needed = 0;
    CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_system_info(NULL, 0, &needed));
    CHECK(needed > 10, "needed %zu", needed);
    CHECK(strlen(edgebert_last_error()) > 0, "a failed call leaves a message");
    char small[4];
    size_t needed_small = 0;
    CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_system_info(small, sizeof small, &needed_small));
    CHECK(needed_small == needed, "needed %zu then %zu", needed, needed_small);
    char *buffer = malloc(needed);
    size_t written = 0;
    CHECK_STATUS(EDGEBERT_OK, edgebert_system_info(buffer, needed, &written));
    CHECK(written == needed && strlen(buffer) + 1 == needed, "wrote %zu, strlen %zu", written, strlen(buffer));
    CHECK(strstr(buffer, "edgebert ") == buffer && strstr(buffer, "kernels") != NULL, "info \"%s\"", buffer);
    CHECK(strcmp(edgebert_last_error(), "") == 0, "a successful call clears the message, got \"%s\"", edgebert_last_error());
    free(buffer);
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_system_info(NULL, 16, &needed));
}

/* --- model loading ------------------------------------------------------------------------ */

static void test_load_null_arguments(void) {
    edgebert_model *model = (edgebert_model *)&model; /* must be reset to NULL on failure */
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_model_load(NULL, &model));
    CHECK(model == NULL, "*model must be NULL after a failed load");
    CHECK(strstr(edgebert_last_error(), "path") != NULL, "message names the argument: %s", edgebert_last_error());
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_model_load(model_path, NULL));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_model_load_from_memory(NULL, 10, &model));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_model_load_from_memory("x", 1, NULL));
    edgebert_model_info info = {.struct_size = sizeof info};
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_model_get_info(NULL, &info));
}

static void test_load_missing_file(void) {
    edgebert_model *model = NULL;
    const char *missing = "/nonexistent/edgebert/missing.ebm";
    CHECK_STATUS(EDGEBERT_IO, edgebert_model_load(missing, &model));
    CHECK(model == NULL, "no model");
    CHECK(strstr(edgebert_last_error(), missing) != NULL, "message names the file: %s", edgebert_last_error());
    CHECK_STATUS(EDGEBERT_INVALID_ARGUMENT, edgebert_model_load("", &model)); /* empty path */
}

static void test_load_truncated_and_garbage(void) {
    size_t size = 0;
    unsigned char *data = read_file(model_path, &size);
    CHECK(data != NULL && size > 64, "cannot read %s", model_path);
    if (data == NULL) return;
    char path[] = "/tmp/edgebert-truncated-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    size_t cuts[] = {size / 2, size - 1, 16, 0};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        edgebert_model *model = NULL;
        CHECK(write_file(path, data, cuts[i]), "write %s", path);
        CHECK_STATUS(EDGEBERT_MODEL_FORMAT, edgebert_model_load(path, &model));
        CHECK(model == NULL, "no model from %zu of %zu bytes", cuts[i], size);
        if (cuts[i] > 0) {
            CHECK_STATUS(EDGEBERT_MODEL_FORMAT, edgebert_model_load_from_memory(data, cuts[i], &model));
            CHECK(model == NULL, "no model from %zu bytes in memory", cuts[i]);
        }
    }
    memset(data, 0x5a, 256);
    edgebert_model *model = NULL;
    CHECK_STATUS(EDGEBERT_MODEL_FORMAT, edgebert_model_load_from_memory(data, size, &model));
    CHECK(strlen(edgebert_last_error()) > 0, "message");
    CHECK_STATUS(EDGEBERT_INVALID_ARGUMENT, edgebert_model_load_from_memory(data, 0, &model));
    remove(path);
    free(data);
}

static void test_load_from_memory(void) {
    size_t size = 0;
    unsigned char *data = read_file(model_path, &size);
    CHECK(data != NULL, "cannot read %s", model_path);
    if (data == NULL) return;
    edgebert_model *from_memory = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_model_load_from_memory(data, size, &from_memory));
    memset(data, 0, size); /* the library copied the bytes */
    free(data);
    edgebert_model *from_file = load_model();
    edgebert_model_info a = model_info(from_memory), b = model_info(from_file);
    CHECK(memcmp(&a, &b, sizeof a) == 0, "info from memory and from file differ");

    edgebert_session *s1 = NULL, *s2 = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(from_memory, NULL, &s1));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(from_file, NULL, &s2));
    int32_t ids1[64], ids2[64];
    size_t n1 = 0, n2 = 0;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(s1, texts[0], EDGEBERT_NUL_TERMINATED, ids1, 64, &n1));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(s2, texts[0], EDGEBERT_NUL_TERMINATED, ids2, 64, &n2));
    CHECK(n1 == n2 && memcmp(ids1, ids2, n1 * sizeof *ids1) == 0, "tokens differ");
    edgebert_session_free(s1);
    edgebert_session_free(s2);
    edgebert_model_free(from_memory);
    edgebert_model_free(from_file);
}

static void test_model_info_and_labels(void) {
    edgebert_model *model = load_model();
    edgebert_model_info info = model_info(model);
    CHECK(info.struct_size == sizeof info, "struct_size %zu", info.struct_size);
    CHECK(info.hidden_size > 0 && info.label_count > 0 && info.max_length >= 3 && info.vocab_size > 5 && info.layers > 0,
          "info hidden %d labels %d max_length %d vocab %d layers %d", info.hidden_size, info.label_count, info.max_length,
          info.vocab_size, info.layers);
    CHECK(info.pooling >= EDGEBERT_POOLING_POOLER && info.pooling <= EDGEBERT_POOLING_MEAN, "pooling %d", info.pooling);

    for (int32_t i = 0; i < info.label_count; i++) {
        size_t needed = 0;
        CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_model_get_label(model, i, NULL, 0, &needed));
        char name[64];
        size_t written = 0;
        CHECK_STATUS(EDGEBERT_OK, edgebert_model_get_label(model, i, name, sizeof name, &written));
        CHECK(written == needed && strlen(name) + 1 == written && written > 1, "label %d \"%s\" needed %zu", i, name, needed);
    }
    char name[64];
    CHECK_STATUS(EDGEBERT_INVALID_ARGUMENT, edgebert_model_get_label(model, info.label_count, name, sizeof name, NULL));
    CHECK_STATUS(EDGEBERT_INVALID_ARGUMENT, edgebert_model_get_label(model, -1, name, sizeof name, NULL));
    edgebert_model_info bad = {.struct_size = 0};
    CHECK_STATUS(EDGEBERT_INVALID_ARGUMENT, edgebert_model_get_info(model, &bad));
    /* An older caller's smaller struct: only its fields are written. */
    struct { size_t struct_size; int32_t hidden_size; int32_t guard; } old = {offsetof(edgebert_model_info, label_count), 0, 12345};
    CHECK_STATUS(EDGEBERT_OK, edgebert_model_get_info(model, (edgebert_model_info *)&old));
    CHECK(old.hidden_size == info.hidden_size && old.guard == 12345, "hidden %d guard %d", old.hidden_size, old.guard);
    edgebert_model_free(model);
}

/* --- sessions ----------------------------------------------------------------------------- */

static void test_session_params(void) {
    edgebert_session_params p = edgebert_session_default_params();
    CHECK(p.struct_size == sizeof p, "struct_size %zu, sizeof %zu", p.struct_size, sizeof p);
    CHECK(p.threads == 1 && p.max_length == 0 && p.pooling == EDGEBERT_POOLING_MODEL && p.truncate == 1 && p.windows == 1,
          "defaults threads %d max_length %d pooling %d truncate %d windows %d", p.threads, p.max_length, p.pooling, p.truncate, p.windows);

    edgebert_model *model = load_model();
    edgebert_model_info info = model_info(model);
    edgebert_session *session = (edgebert_session *)&session;
    struct { const char *what; edgebert_session_params p; } bad[] = {
        {"struct_size 0", {.struct_size = 0, .threads = 1, .truncate = 1}},
        {"threads -1", {.struct_size = sizeof p, .threads = -1, .truncate = 1}},
        {"max_length 2", {.struct_size = sizeof p, .threads = 1, .max_length = 2, .truncate = 1}},
        {"max_length over the model's", {.struct_size = sizeof p, .threads = 1, .max_length = info.max_length + 1, .truncate = 1}},
        {"pooling 7", {.struct_size = sizeof p, .threads = 1, .pooling = 7, .truncate = 1}},
        {"pooling -1", {.struct_size = sizeof p, .threads = 1, .pooling = -1, .truncate = 1}},
        {"threads 1025", {.struct_size = sizeof p, .threads = 1025, .truncate = 1}},
        {"truncate 2", {.struct_size = sizeof p, .threads = 1, .truncate = 2}},
        {"truncate -1", {.struct_size = sizeof p, .threads = 1, .truncate = -1}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_STATUS(EDGEBERT_INVALID_ARGUMENT, edgebert_session_create(model, &bad[i].p, &session));
        CHECK(session == NULL, "%s: *session must be NULL", bad[i].what);
    }
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_create(NULL, &p, &session));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_create(model, &p, NULL));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, NULL, &session));
    edgebert_session_free(session);
    p.threads = 0; /* one per core */
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &session));
    edgebert_session_free(session);
    edgebert_model_free(model);
}

static void test_tokenize(void) {
    edgebert_model *model = load_model();
    edgebert_model_info info = model_info(model);
    edgebert_session *session = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, NULL, &session));

    size_t needed = 0;
    CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_session_tokenize(session, texts[0], EDGEBERT_NUL_TERMINATED, NULL, 0, &needed));
    CHECK(needed >= 3, "needed %zu", needed);
    int32_t *ids = calloc((size_t)info.max_length, sizeof *ids);
    int32_t *again = calloc((size_t)info.max_length, sizeof *again);
    size_t n = 0, m = 0;
    CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_session_tokenize(session, texts[0], EDGEBERT_NUL_TERMINATED, ids, needed - 1, &n));
    CHECK(n == needed, "needed %zu then %zu", needed, n);
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(session, texts[0], EDGEBERT_NUL_TERMINATED, ids, (size_t)info.max_length, &n));
    CHECK(n == needed, "wrote %zu, needed %zu", n, needed);
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(session, texts[0], strlen(texts[0]), again, (size_t)info.max_length, &m));
    CHECK(m == n && memcmp(ids, again, n * sizeof *ids) == 0, "(pointer, length) and NUL-terminated differ");
    for (size_t i = 0; i < n; i++) CHECK(ids[i] >= 0 && ids[i] < info.vocab_size, "id %d at %zu", ids[i], i);
    int32_t cls = ids[0], sep = ids[n - 1];
    CHECK(cls != sep, "[CLS] %d, [SEP] %d", cls, sep);

    /* A prefix by length: only "a gripping" is read. */
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(session, texts[0], 10, again, (size_t)info.max_length, &m));
    CHECK(m < n && again[0] == cls && again[m - 1] == sep, "prefix gave %zu ids", m);
    /* Empty text: [CLS] [SEP]; (NULL, 0) is empty too. */
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(session, NULL, 0, again, (size_t)info.max_length, &m));
    CHECK(m == 2 && again[0] == cls && again[1] == sep, "empty gave %zu ids", m);
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_tokenize(session, NULL, 5, again, (size_t)info.max_length, &m));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_tokenize(session, "x", 1, NULL, 8, &m));

    const char *bad_utf8[] = {"\xff", "abc\xc3", "\xed\xa0\x80" /* a surrogate */, "\xc0\xaf" /* overlong */};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        CHECK_STATUS(EDGEBERT_INVALID_UTF8, edgebert_session_tokenize(session, bad_utf8[i], EDGEBERT_NUL_TERMINATED, ids, (size_t)info.max_length, &m));
    }
    /* Embedded NUL with an explicit length is text like any other. */
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(session, "a\0b", 3, ids, (size_t)info.max_length, &m));

    /* Over-long input: cut to max_length, or INPUT_TOO_LONG when the session does not truncate. */
    size_t long_size = (size_t)info.max_length * 8 + 1;
    char *long_text = malloc(long_size);
    for (size_t i = 0; i + 1 < long_size; i++) long_text[i] = (i % 4 == 3) ? ' ' : 'a' + (char)(i % 3);
    long_text[long_size - 1] = '\0';
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(session, long_text, EDGEBERT_NUL_TERMINATED, ids, (size_t)info.max_length, &m));
    CHECK(m == (size_t)info.max_length && ids[m - 1] == sep, "cut to %zu of %d", m, info.max_length);
    edgebert_session_params p = edgebert_session_default_params();
    p.truncate = 0;
    edgebert_session *strict = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &strict));
    CHECK_STATUS(EDGEBERT_INPUT_TOO_LONG, edgebert_session_tokenize(strict, long_text, EDGEBERT_NUL_TERMINATED, ids, (size_t)info.max_length, &m));
    edgebert_session_free(strict);
    p.truncate = 1;
    p.max_length = 5;
    edgebert_session *short_session = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &short_session));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(short_session, long_text, EDGEBERT_NUL_TERMINATED, ids, (size_t)info.max_length, &m));
    CHECK(m == 5 && ids[0] == cls && ids[4] == sep, "max_length 5 gave %zu ids", m);
    edgebert_session_free(short_session);

    free(long_text);
    free(ids);
    free(again);
    edgebert_session_free(session);
    edgebert_model_free(model);
}

static void test_handles(void) {
    edgebert_model_free(NULL);
    edgebert_session_free(NULL);
    CHECK(strcmp(edgebert_last_error(), "") == 0, "freeing NULL is not an error: %s", edgebert_last_error());

    edgebert_model *model = load_model();
    edgebert_session *session = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, NULL, &session));
    int32_t ids[8];
    size_t n = 0;
    /* The wrong kind of handle, and a pointer the library never made. */
    CHECK_STATUS(EDGEBERT_INVALID_HANDLE, edgebert_session_tokenize((edgebert_session *)model, "x", 1, ids, 8, &n));
    CHECK_STATUS(EDGEBERT_INVALID_HANDLE, edgebert_session_create((edgebert_model *)session, NULL, &session));
    CHECK(session == NULL, "*session reset");
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, NULL, &session));
    static int not_a_handle;
    CHECK_STATUS(EDGEBERT_INVALID_HANDLE, edgebert_session_tokenize((edgebert_session *)&not_a_handle, "x", 1, ids, 8, &n));
    CHECK(strstr(edgebert_last_error(), "session") != NULL, "message names the handle: %s", edgebert_last_error());

    edgebert_session_free(session);
    CHECK_STATUS(EDGEBERT_INVALID_HANDLE, edgebert_session_tokenize(session, "x", 1, ids, 8, &n));
    edgebert_session_free(session); /* double free: reported, not a crash */
    CHECK(strlen(edgebert_last_error()) > 0, "double free leaves a message");
    edgebert_model_free(model);
    edgebert_model_info info = {.struct_size = sizeof info};
    CHECK_STATUS(EDGEBERT_INVALID_HANDLE, edgebert_model_get_info(model, &info));
    edgebert_model_free(model);
    CHECK(strlen(edgebert_last_error()) > 0, "double free leaves a message");
}

static void test_model_freed_before_session(void) {
    edgebert_model *model = load_model();
    edgebert_session *session = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, NULL, &session));
    edgebert_model_free(model); /* the session keeps the mapping alive */
    int32_t ids[64];
    size_t n = 0;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(session, texts[1], EDGEBERT_NUL_TERMINATED, ids, 64, &n));
    CHECK(n > 2, "%zu ids", n);
    edgebert_classification c;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(session, texts[1], EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL));
    edgebert_session *other = NULL;
    CHECK_STATUS(EDGEBERT_INVALID_HANDLE, edgebert_session_create(model, NULL, &other));
    edgebert_session_free(session);
}

/* --- inference ---------------------------------------------------------------------------- */

static void test_classify(void) {
    edgebert_model *model = load_model();
    edgebert_model_info info = model_info(model);
    edgebert_session *session = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, NULL, &session));
    size_t labels = (size_t)info.label_count;
    float *logits = calloc(labels * TEXT_COUNT, sizeof *logits);
    edgebert_classification single[TEXT_COUNT], batch[TEXT_COUNT];
    for (size_t t = 0; t < TEXT_COUNT; t++) {
        size_t n = 0;
        CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(session, texts[t], EDGEBERT_NUL_TERMINATED, &single[t], logits + t * labels, labels, &n));
        CHECK(n == labels, "text %zu: %zu logits", t, n);
        CHECK(single[t].label >= 0 && single[t].label < info.label_count, "text %zu: label %d", t, single[t].label);
        CHECK(single[t].score > 0.0f && single[t].score <= 1.0f, "text %zu: score %g", t, single[t].score);
        float best = logits[t * labels + (size_t)single[t].label];
        for (size_t j = 0; j < labels; j++) CHECK(logits[t * labels + j] <= best, "text %zu: label %d is not the arg max", t, single[t].label);
        edgebert_classification again;
        CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(session, texts[t], strlen(texts[t]), &again, NULL, 0, &n));
        CHECK(n == 0 && memcmp(&again, &single[t], sizeof again) == 0, "text %zu: repeat differs", t);
    }
    float *batch_logits = calloc(labels * TEXT_COUNT, sizeof *batch_logits);
    size_t needed = 0;
    CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_session_classify_batch(session, texts, NULL, TEXT_COUNT, batch, batch_logits, labels, &needed));
    CHECK(needed == labels * TEXT_COUNT, "batch needed %zu", needed);
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify_batch(session, texts, NULL, TEXT_COUNT, batch, batch_logits, labels * TEXT_COUNT, &needed));
    CHECK(memcmp(batch, single, sizeof batch) == 0, "batch results differ from single calls");
    CHECK(memcmp(batch_logits, logits, labels * TEXT_COUNT * sizeof *logits) == 0, "batch logits differ from single calls");
    const char *with_bad[] = {texts[0], "\xff"};
    CHECK_STATUS(EDGEBERT_INVALID_UTF8, edgebert_session_classify_batch(session, with_bad, NULL, 2, batch, NULL, 0, NULL));
    CHECK(strstr(edgebert_last_error(), "texts[1]") != NULL, "message names the text: %s", edgebert_last_error());
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify_batch(session, NULL, NULL, 0, NULL, NULL, 0, NULL));

    /* Errors: short logits buffer reports the size, NULL result, invalid UTF-8. */
    edgebert_classification c;
    CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_session_classify(session, texts[0], EDGEBERT_NUL_TERMINATED, &c, logits, labels - 1, &needed));
    CHECK(needed == labels, "needed %zu", needed);
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_classify(session, texts[0], EDGEBERT_NUL_TERMINATED, NULL, NULL, 0, NULL));
    CHECK_STATUS(EDGEBERT_INVALID_UTF8, edgebert_session_classify(session, "\xff", 1, &c, NULL, 0, NULL));

    /* Embeddings: the size query, then a vector that is not all zero. */
    float *embedding = calloc((size_t)info.hidden_size, sizeof *embedding);
    edgebert_encode_result r;
    CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_session_embed(session, texts[0], EDGEBERT_NUL_TERMINATED, NULL, 0, &needed, &r));
    CHECK(needed == (size_t)info.hidden_size, "embed needed %zu", needed);
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_embed(session, texts[0], EDGEBERT_NUL_TERMINATED, embedding, needed, &needed, &r));
    CHECK(r.token_count == single[0].token_count && r.truncated == 0, "embed tokens %d", r.token_count);
    int nonzero = 0;
    for (int i = 0; i < info.hidden_size; i++) nonzero += embedding[i] != 0.0f;
    CHECK(nonzero > 0, "embedding is all zero");

    /* Session parameters reach inference: by default classify reads a text longer than max_length
     * whole over windows; windows 0 cuts it, truncate 0 refuses, pooling changes embed. */
    edgebert_session_params p = edgebert_session_default_params();
    p.max_length = 4;
    edgebert_session *windowed = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &windowed));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(windowed, texts[1], EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL));
    CHECK(c.windows > 1 && c.truncated == 0 && c.token_count > 4, "max_length 4 with windows: %d tokens, %d windows, truncated %d",
          c.token_count, c.windows, c.truncated);
    edgebert_session_free(windowed);
    p.windows = 0;
    edgebert_session *cut = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &cut));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(cut, texts[1], EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL));
    CHECK(c.token_count == 4 && c.truncated == 1 && c.windows == 1, "max_length 4: %d tokens, truncated %d, windows %d", c.token_count, c.truncated, c.windows);
    /* Embed cuts at the session's max_length too, as classify does ... */
    float *cut_embedding = calloc((size_t)info.hidden_size, sizeof *cut_embedding);
    float *full_embedding = calloc((size_t)info.hidden_size, sizeof *full_embedding);
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_embed(cut, texts[1], EDGEBERT_NUL_TERMINATED, cut_embedding, needed, NULL, &r));
    CHECK(r.token_count == 4 && r.truncated == 1, "embed at max_length 4: %d tokens, truncated %d", r.token_count, r.truncated);
    nonzero = 0;
    for (int i = 0; i < info.hidden_size; i++) nonzero += cut_embedding[i] != 0.0f;
    CHECK(nonzero > 0, "embedding at max_length 4 is all zero");
    /* ... and a text that fits embeds exactly as in a session at the model's length. */
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_embed(cut, "a", EDGEBERT_NUL_TERMINATED, cut_embedding, needed, NULL, &r));
    CHECK(r.token_count == 3 && r.truncated == 0, "'a' at max_length 4: %d tokens, truncated %d", r.token_count, r.truncated);
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_embed(session, "a", EDGEBERT_NUL_TERMINATED, full_embedding, needed, NULL, NULL));
    CHECK(memcmp(cut_embedding, full_embedding, (size_t)info.hidden_size * sizeof *cut_embedding) == 0,
          "a text within max_length embeds differently in a shorter session");
    free(cut_embedding);
    free(full_embedding);
    edgebert_session_free(cut);
    p = edgebert_session_default_params();
    p.truncate = 0;
    edgebert_session *strict = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &strict));
    char *long_text = malloc((size_t)info.max_length * 8 + 1);
    for (int i = 0; i < info.max_length * 8; i++) long_text[i] = (i % 2) ? ' ' : 'a';
    long_text[info.max_length * 8] = '\0';
    CHECK_STATUS(EDGEBERT_INPUT_TOO_LONG, edgebert_session_classify(strict, long_text, EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL));
    CHECK_STATUS(EDGEBERT_INPUT_TOO_LONG, edgebert_session_embed(strict, long_text, EDGEBERT_NUL_TERMINATED, embedding, needed, NULL, NULL));
    free(long_text);
    edgebert_session_free(strict);
    float *cls = calloc((size_t)info.hidden_size, sizeof *cls), *mean = calloc((size_t)info.hidden_size, sizeof *mean);
    p = edgebert_session_default_params();
    p.pooling = EDGEBERT_POOLING_CLS;
    edgebert_session *s_cls = NULL, *s_mean = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &s_cls));
    p.pooling = EDGEBERT_POOLING_MEAN;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &s_mean));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_embed(s_cls, texts[0], EDGEBERT_NUL_TERMINATED, cls, (size_t)info.hidden_size, NULL, NULL));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_embed(s_mean, texts[0], EDGEBERT_NUL_TERMINATED, mean, (size_t)info.hidden_size, NULL, NULL));
    CHECK(memcmp(cls, mean, (size_t)info.hidden_size * sizeof *cls) != 0, "[CLS] and mean pooling gave the same vector");
    CHECK(info.pooling != EDGEBERT_POOLING_POOLER || memcmp(cls, embedding, (size_t)info.hidden_size * sizeof *cls) != 0,
          "pooler and [CLS] pooling gave the same vector");
    edgebert_session_free(s_cls);
    edgebert_session_free(s_mean);
    free(cls);
    free(mean);

    free(embedding);
    free(batch_logits);
    free(logits);
    edgebert_session_free(session);
    edgebert_model_free(model);
}

/* --- threads: one shared model, one session per thread, the model freed while they run ---- */

#define THREADS 4
#define ROUNDS 20
#define MAX_IDS 512

typedef struct {
    edgebert_model *model;
    int32_t session_threads;            /* kernel threads of each worker's session */
    pthread_barrier_t sessions_created; /* the workers and the main thread */
    int32_t expected_ids[TEXT_COUNT][MAX_IDS];
    size_t expected_n[TEXT_COUNT];
    edgebert_classification expected_class[TEXT_COUNT];
} shared_state;

typedef struct {
    shared_state *shared;
    int index;
    int mismatches;
    int errors;
} worker_state;

static void *worker(void *arg) {
    worker_state *w = arg;
    edgebert_session *session = NULL;
    edgebert_session_params p = edgebert_session_default_params();
    p.threads = w->shared->session_threads;
    edgebert_status created = edgebert_session_create(w->shared->model, &p, &session);
    /* Once every worker has its session, the main thread frees the model while they work. */
    pthread_barrier_wait(&w->shared->sessions_created);
    if (created != EDGEBERT_OK) {
        w->errors++;
        return NULL;
    }
    int32_t ids[MAX_IDS];
    for (int round = 0; round < ROUNDS; round++) {
        size_t t = (size_t)(round + w->index) % TEXT_COUNT;
        size_t n = 0;
        if (edgebert_session_tokenize(session, texts[t], EDGEBERT_NUL_TERMINATED, ids, MAX_IDS, &n) != EDGEBERT_OK) w->errors++;
        else if (n != w->shared->expected_n[t] || memcmp(ids, w->shared->expected_ids[t], n * sizeof *ids) != 0) w->mismatches++;
        edgebert_classification c;
        if (edgebert_session_classify(session, texts[t], EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL) != EDGEBERT_OK) w->errors++;
        else if (memcmp(&c, &w->shared->expected_class[t], sizeof c) != 0) w->mismatches++;
        /* A failing call on this thread must not disturb another thread's last error. */
        if (edgebert_session_tokenize(session, "\xff", 1, ids, MAX_IDS, &n) != EDGEBERT_INVALID_UTF8 ||
            strstr(edgebert_last_error(), "UTF-8") == NULL) w->errors++;
    }
    edgebert_session_free(session);
    return NULL;
}

/* The expected answers come from a one-thread session; the workers' sessions use session_threads. */
static void run_threads(int32_t session_threads) {
    shared_state *shared = calloc(1, sizeof *shared);
    shared->session_threads = session_threads;
    shared->model = load_model();
    edgebert_session *session = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(shared->model, NULL, &session));
    for (size_t t = 0; t < TEXT_COUNT; t++) {
        CHECK_STATUS(EDGEBERT_OK, edgebert_session_tokenize(session, texts[t], EDGEBERT_NUL_TERMINATED, shared->expected_ids[t], MAX_IDS, &shared->expected_n[t]));
        CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(session, texts[t], EDGEBERT_NUL_TERMINATED, &shared->expected_class[t], NULL, 0, NULL));
    }
    edgebert_session_free(session);
    pthread_t threads[THREADS];
    worker_state workers[THREADS];
    pthread_barrier_init(&shared->sessions_created, NULL, THREADS + 1);
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (worker_state){.shared = shared, .index = i};
        if (pthread_create(&threads[i], NULL, worker, &workers[i]) != 0) {
            fprintf(stderr, "  pthread_create %d failed; cannot run the threads test\n", i);
            exit(1); /* the barrier would never open */
        }
    }
    pthread_barrier_wait(&shared->sessions_created);
    /* Freeing the model now is allowed: the sessions keep it alive until the last is freed. */
    edgebert_model_free(shared->model);
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].errors == 0 && workers[i].mismatches == 0, "thread %d: %d errors, %d mismatches over %d rounds",
              i, workers[i].errors, workers[i].mismatches, ROUNDS);
    }
    pthread_barrier_destroy(&shared->sessions_created);
    free(shared);
}

/* A 2,000-word mail is classified whole by default (windows reported), and cut only when asked. */
static void test_long_mail(void) {
    edgebert_model *model = load_model();
    edgebert_model_info info = model_info(model);
    const char *words[] = {"the ", "plot ", "was ", "dull ", "film ", "gripping ", "acted ", "ending "};
    size_t size = 64 + 2000 * 10;
    char *mail = malloc(size);
    size_t at = (size_t)snprintf(mail, size, "Subject: a film night\n\n");
    for (int i = 0; i < 2000; i++) at += (size_t)snprintf(mail + at, size - at, "%s", words[(i * 5 + i / 7) % 8]);
    edgebert_session *session = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, NULL, &session));
    edgebert_classification c, again;
    float *logits = calloc((size_t)info.label_count, sizeof *logits);
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(session, mail, EDGEBERT_NUL_TERMINATED, &c, logits, (size_t)info.label_count, NULL));
    int width = info.max_length - 2;
    CHECK(c.truncated == 0 && c.token_count > 2000 && c.windows > 1, "2,000 words: %d tokens, %d windows, truncated %d",
          c.token_count, c.windows, c.truncated);
    /* Windows of max_length - 2 pieces every half window, the last one ending the text. */
    int pieces = c.token_count - 2, stride = width / 2;
    int expected = (pieces - width + stride - 1) / stride + 1;
    CHECK(c.windows == expected, "%d windows for %d pieces of windows of %d, expected %d", c.windows, pieces, width, expected);
    CHECK(c.label >= 0 && c.label < info.label_count && c.score > 0.0f && c.score <= 1.0f, "label %d score %f", c.label, c.score);
    /* The same again (a session that has grown its buffers), and in a batch. */
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(session, mail, EDGEBERT_NUL_TERMINATED, &again, NULL, 0, NULL));
    CHECK(again.label == c.label && again.score == c.score && again.windows == c.windows, "a second call differs");
    const char *batch[] = {mail, texts[0]};
    edgebert_classification results[2];
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify_batch(session, batch, NULL, 2, results, NULL, 0, NULL));
    CHECK(results[0].windows == c.windows && results[0].score == c.score && results[1].windows == 1, "batch windows %d, %d",
          results[0].windows, results[1].windows);
    edgebert_session_free(session);

    edgebert_session_params p = edgebert_session_default_params();
    p.windows = 0;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, &p, &session));
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_classify(session, mail, EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL));
    CHECK(c.truncated == 1 && c.windows == 1 && c.token_count == info.max_length, "windows 0: %d tokens, %d windows, truncated %d",
          c.token_count, c.windows, c.truncated);
    edgebert_session_free(session);
    free(logits);
    free(mail);
    edgebert_model_free(model);
}

static void test_threads(void) { run_threads(1); }

/* Sessions that run their kernels on the runtime's worker threads too (valgrind runs this one). */
static void test_threads_parallel_sessions(void) { run_threads(2); }

/* --- argument order (issue 15): NULL pointers are reported before sizes, in every function -- */

static void test_null_before_size(void) {
    edgebert_model *model = load_model();
    edgebert_session *session = NULL;
    CHECK_STATUS(EDGEBERT_OK, edgebert_session_create(model, NULL, &session));
    size_t needed = 99;
    float one[1];
    edgebert_classification c, results[2];
    /* embed: a NULL text with a NULL buffer was BUFFER_TOO_SMALL, tokenize said NULL_POINTER. */
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_embed(session, NULL, EDGEBERT_NUL_TERMINATED, NULL, 0, &needed, NULL));
    CHECK(needed == 0, "needed %zu after a NULL text", needed);
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_tokenize(session, NULL, EDGEBERT_NUL_TERMINATED, NULL, 0, &needed));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_embed(session, "x", 1, NULL, 8, &needed, NULL));
    CHECK_STATUS(EDGEBERT_BUFFER_TOO_SMALL, edgebert_session_embed(session, "x", 1, NULL, 0, &needed, NULL));
    CHECK(needed > 0, "the size query still answers: needed %zu", needed);
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_classify(session, NULL, EDGEBERT_NUL_TERMINATED, &c, one, 0, &needed));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_classify(session, "x", 1, NULL, one, 0, &needed));
    const char *with_null[] = {"x", NULL};
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_classify_batch(session, with_null, NULL, 2, results, one, 0, &needed));
    CHECK(strstr(edgebert_last_error(), "texts[1]") != NULL, "message names the text: %s", edgebert_last_error());
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_classify_batch(session, NULL, NULL, 2, results, one, 0, &needed));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_session_classify_batch(session, with_null, NULL, 2, NULL, one, 0, &needed));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_model_get_info(model, NULL));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_model_get_label(model, 0, NULL, 4, &needed));
    CHECK_STATUS(EDGEBERT_NULL_POINTER, edgebert_system_info(NULL, 4, &needed));
    edgebert_session_free(session);
    edgebert_model_free(model);
}

/* --- runner ------------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    void (*run)(void);
} test_case;

static const test_case tests[] = {
    {"version", test_version},
    {"system_info", test_system_info},
    {"load_null_arguments", test_load_null_arguments},
    {"load_missing_file", test_load_missing_file},
    {"load_truncated_and_garbage", test_load_truncated_and_garbage},
    {"load_from_memory", test_load_from_memory},
    {"model_info_and_labels", test_model_info_and_labels},
    {"session_params", test_session_params},
    {"tokenize", test_tokenize},
    {"handles", test_handles},
    {"model_freed_before_session", test_model_freed_before_session},
    {"classify", test_classify},
    {"threads", test_threads},
    {"long_mail", test_long_mail},
    {"threads_parallel_sessions", test_threads_parallel_sessions},
    {"null_before_size", test_null_before_size},
};

int main(int argc, char **argv) {
    const char *counts = NULL, *only = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODEL [--counts FILE] [--only NAME]\n", argv[0]);
        return 2;
    }
    model_path = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--counts") == 0) counts = argv[i + 1];
        else if (strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    }
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (only != NULL && strcmp(only, tests[i].name) != 0) continue;
        harness_failures = 0;
        tests[i].run();
        printf("%s %s\n", harness_failures == 0 ? "PASS" : "FAIL", tests[i].name);
        if (harness_failures == 0) passed++;
        else failed++;
    }
    /* Not the "N passed, N failed" form: only scripts/test.sh prints the closing line CI reads. */
    printf("C tests: %d ok, %d failing\n", passed, failed);
    if (counts != NULL) {
        FILE *f = fopen(counts, "w");
        if (f != NULL) {
            fprintf(f, "%d %d\n", passed, failed);
            fclose(f);
        }
    }
    return failed == 0 && passed > 0 ? 0 : 1;
}
