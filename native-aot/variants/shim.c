/*
 * shim.c - lib/libedgebert.so for x86-64: loads the EdgeBert library build that suits this CPU
 * (lib/libedgebert-x86-64-v{2,3,4}.so beside this file; choice in cpu_variant.h) on the first call
 * and forwards every function of edgebert.h to it. edgebert_system_info() adds which variant runs
 * and why. EDGEBERT_CPU_VARIANT=x86-64-v3 (or -v2) forces a lower one.
 *
 * If the variant cannot be loaded (bad EDGEBERT_CPU_VARIANT, CPU below x86-64-v2, files missing),
 * every call that returns a status fails (INVALID_ARGUMENT for a bad variable, UNSUPPORTED
 * otherwise) and edgebert_last_error() says why. A new function in edgebert.h needs a line in
 * EDGEBERT_FUNCTIONS and a forwarder below; scripts/test.d/cpu-variants.sh checks that the shim
 * exports every symbol the variants export.
 */
#define _GNU_SOURCE
#include "cpu_variant.h"
#include "edgebert.h"

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EDGEBERT_FUNCTIONS(X)                                                                    \
    X(edgebert_abi_version) X(edgebert_version) X(edgebert_system_info) X(edgebert_last_error)    \
    X(edgebert_model_load) X(edgebert_model_load_from_memory) X(edgebert_model_free)             \
    X(edgebert_model_get_info) X(edgebert_model_get_label) X(edgebert_session_default_params)    \
    X(edgebert_session_create) X(edgebert_session_free) X(edgebert_session_tokenize)             \
    X(edgebert_session_classify) X(edgebert_session_classify_batch) X(edgebert_session_embed)

/* The variant's functions, typed from edgebert.h. */
static struct {
#define EDGEBERT_FIELD(name) __typeof__(&name) name;
    EDGEBERT_FUNCTIONS(EDGEBERT_FIELD)
#undef EDGEBERT_FIELD
} target;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded;
static edgebert_status load_status = EDGEBERT_UNSUPPORTED;
static char load_error[PATH_MAX + 512];
static char variant_line[640]; /* "cpu variant x86-64-v4 (why)" */
static char own_dir[PATH_MAX];
/* Message of a failure of the shim itself on this thread (NULL: ask the variant). */
static __thread const char *shim_error;

/* The folder this library was loaded from, fixed at load time (before any chdir of the host). */
__attribute__((constructor)) static void find_own_dir(void)
{
    Dl_info info;
    if (!dladdr((void *)&find_own_dir, &info) || info.dli_fname == NULL) return;
    char *real = realpath(info.dli_fname, NULL);
    if (real == NULL) return;
    char *slash = strrchr(real, '/');
    if (slash) {
        *slash = '\0';
        snprintf(own_dir, sizeof own_dir, "%s", real);
    }
    free(real);
}

static int variant_path(int level, char *path, size_t size)
{
    int n = snprintf(path, size, "%s/libedgebert-x86-64-v%d.so", own_dir, level);
    return n > 0 && (size_t)n < size;
}

static int installed(int level, void *ctx)
{
    (void)ctx;
    char path[PATH_MAX];
    return variant_path(level, path, sizeof path) && access(path, R_OK) == 0;
}

static void load(void)
{
    if (own_dir[0] == '\0') {
        snprintf(load_error, sizeof load_error, "libedgebert: cannot tell which folder libedgebert.so was loaded from");
        return;
    }
    char reason[512];
    int level = edgebert_choose_level(getenv(EDGEBERT_CPU_VARIANT_ENV), installed, NULL, reason, sizeof reason);
    if (level <= 0) {
        if (level < 0) load_status = EDGEBERT_INVALID_ARGUMENT;
        snprintf(load_error, sizeof load_error, "libedgebert: %s (in %s)", reason, own_dir);
        return;
    }
    char path[PATH_MAX];
    variant_path(level, path, sizeof path);
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(load_error, sizeof load_error, "libedgebert: cannot load %s: %s", path, dlerror());
        return;
    }
#define EDGEBERT_RESOLVE(name)                                                                    \
    if ((*(void **)&target.name = dlsym(handle, #name)) == NULL) {                               \
        snprintf(load_error, sizeof load_error, "libedgebert: %s does not export %s", path, #name); \
        return;                                                                                  \
    }
    EDGEBERT_FUNCTIONS(EDGEBERT_RESOLVE)
#undef EDGEBERT_RESOLVE
    snprintf(variant_line, sizeof variant_line, "cpu variant x86-64-v%d (%s)", level, reason);
    loaded = 1;
}

/* Loads the variant once; false (with shim_error set for this thread) when it cannot be. */
static int ready(void)
{
    pthread_once(&load_once, load);
    shim_error = loaded ? NULL : load_error;
    return loaded;
}

EDGEBERT_API int edgebert_abi_version(void)
{
    return ready() ? target.edgebert_abi_version() : EDGEBERT_ABI_VERSION;
}

EDGEBERT_API const char *edgebert_version(void)
{
    return ready() ? target.edgebert_version() : EDGEBERT_SHIM_VERSION;
}

EDGEBERT_API const char *edgebert_last_error(void)
{
    pthread_once(&load_once, load);
    if (!loaded) return load_error;
    return shim_error ? shim_error : target.edgebert_last_error();
}

/* The variant's line plus "; cpu variant x86-64-vN (why)". */
EDGEBERT_API edgebert_status edgebert_system_info(char *buffer, size_t size, size_t *needed)
{
    if (!ready()) return load_status;
    size_t inner_size = 0;
    edgebert_status status = target.edgebert_system_info(NULL, 0, &inner_size);
    if (status != EDGEBERT_OK && status != EDGEBERT_BUFFER_TOO_SMALL) return status;
    char *inner = malloc(inner_size ? inner_size : 1);
    if (inner == NULL) {
        shim_error = "edgebert_system_info: out of memory";
        return EDGEBERT_OUT_OF_MEMORY;
    }
    status = target.edgebert_system_info(inner, inner_size, NULL);
    if (status != EDGEBERT_OK) {
        free(inner);
        return status;
    }
    size_t total = strlen(inner) + 2 + strlen(variant_line) + 1;
    if (needed) *needed = total;
    if (buffer == NULL && size != 0) {
        status = EDGEBERT_NULL_POINTER;
        shim_error = "edgebert_system_info: buffer is NULL but size is not 0";
    } else if (size < total) {
        status = EDGEBERT_BUFFER_TOO_SMALL;
        shim_error = "edgebert_system_info: the buffer is too small; *needed says how many bytes";
    } else {
        snprintf(buffer, size, "%s; %s", inner, variant_line);
    }
    free(inner);
    return status;
}

EDGEBERT_API edgebert_status edgebert_model_load(const char *path, edgebert_model **model)
{
    if (ready()) return target.edgebert_model_load(path, model);
    if (model) *model = NULL;
    return load_status;
}

EDGEBERT_API edgebert_status edgebert_model_load_from_memory(const void *data, size_t size, edgebert_model **model)
{
    if (ready()) return target.edgebert_model_load_from_memory(data, size, model);
    if (model) *model = NULL;
    return load_status;
}

EDGEBERT_API void edgebert_model_free(edgebert_model *model)
{
    if (ready()) target.edgebert_model_free(model);
}

EDGEBERT_API edgebert_status edgebert_model_get_info(const edgebert_model *model, edgebert_model_info *info)
{
    return ready() ? target.edgebert_model_get_info(model, info) : load_status;
}

EDGEBERT_API edgebert_status edgebert_model_get_label(const edgebert_model *model, int32_t index,
                                                      char *buffer, size_t size, size_t *needed)
{
    return ready() ? target.edgebert_model_get_label(model, index, buffer, size, needed) : load_status;
}

EDGEBERT_API edgebert_session_params edgebert_session_default_params(void)
{
    if (ready()) return target.edgebert_session_default_params();
    edgebert_session_params none = {.struct_size = sizeof(edgebert_session_params)};
    return none;
}

EDGEBERT_API edgebert_status edgebert_session_create(edgebert_model *model, const edgebert_session_params *params,
                                                     edgebert_session **session)
{
    if (ready()) return target.edgebert_session_create(model, params, session);
    if (session) *session = NULL;
    return load_status;
}

EDGEBERT_API void edgebert_session_free(edgebert_session *session)
{
    if (ready()) target.edgebert_session_free(session);
}

EDGEBERT_API edgebert_status edgebert_session_tokenize(edgebert_session *session, const char *text, size_t length,
                                                       int32_t *ids, size_t capacity, size_t *needed)
{
    return ready() ? target.edgebert_session_tokenize(session, text, length, ids, capacity, needed) : load_status;
}

EDGEBERT_API edgebert_status edgebert_session_classify(edgebert_session *session, const char *text, size_t length,
                                                       edgebert_classification *result,
                                                       float *logits, size_t capacity, size_t *needed)
{
    return ready() ? target.edgebert_session_classify(session, text, length, result, logits, capacity, needed)
                   : load_status;
}

EDGEBERT_API edgebert_status edgebert_session_classify_batch(edgebert_session *session, const char *const *texts,
                                                             const size_t *lengths, size_t count,
                                                             edgebert_classification *results,
                                                             float *logits, size_t capacity, size_t *needed)
{
    return ready() ? target.edgebert_session_classify_batch(session, texts, lengths, count, results, logits, capacity, needed)
                   : load_status;
}

EDGEBERT_API edgebert_status edgebert_session_embed(edgebert_session *session, const char *text, size_t length,
                                                    float *embedding, size_t capacity, size_t *needed,
                                                    edgebert_encode_result *result)
{
    return ready() ? target.edgebert_session_embed(session, text, length, embedding, capacity, needed, result)
                   : load_status;
}
