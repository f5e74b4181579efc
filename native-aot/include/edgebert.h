/*
 * edgebert.h - C interface of libedgebert.so, the EdgeBert CPU engine for binarized/ternarized BERT.
 *
 * Usage:
 *     edgebert_model *model = NULL;  edgebert_session *session = NULL;  edgebert_classification c;
 *     if (edgebert_model_load("model.ebm", &model) != EDGEBERT_OK) { puts(edgebert_last_error()); return 1; }
 *     edgebert_session_params p = edgebert_session_default_params();  p.threads = 2;
 *     edgebert_session_create(model, &p, &session);
 *     edgebert_session_classify(session, "what a film", EDGEBERT_NUL_TERMINATED, &c, NULL, 0, NULL);
 *     edgebert_session_free(session);  edgebert_model_free(model);
 *
 * Thread safety: a model is immutable after loading and may be shared by any number of threads;
 * create one session per thread (a session holds scratch buffers and must not be used by two
 * threads at once). All functions are safe to call concurrently on distinct sessions.
 * edgebert_last_error() is thread-local. Freeing a model that still has sessions is allowed, even
 * while they run on other threads: its memory is released when the last session is freed (a
 * session created from it after the free fails with EDGEBERT_INVALID_HANDLE).
 *
 * Ownership: every object that a create or load function returns through an out pointer belongs to
 * the caller, who releases it with the matching *_free function (which accepts NULL). Pointers
 * the library returns (edgebert_version, edgebert_last_error) are owned by the library. Buffers
 * passed in (texts, model bytes, outputs) stay the caller's; the library copies what it keeps.
 *
 * Errors: every function that can fail returns an edgebert_status; on failure
 * edgebert_last_error() describes it. Handles are validated: a freed or foreign handle gives
 * EDGEBERT_INVALID_HANDLE, never a crash. Output buffers come with their capacity; the call
 * writes the size it needed to *needed (when needed is not NULL) and returns
 * EDGEBERT_BUFFER_TOO_SMALL when the capacity was short, so (NULL, 0) queries the size.
 * Arguments are checked in one order everywhere: handles, then NULL pointers (EDGEBERT_NULL_POINTER,
 * also for a NULL buffer with a nonzero capacity), then sizes; enum and flag fields outside
 * their documented values are EDGEBERT_INVALID_ARGUMENT.
 * Texts are UTF-8 as (pointer, length in bytes), or NUL-terminated with EDGEBERT_NUL_TERMINATED.
 */
#ifndef EDGEBERT_H
#define EDGEBERT_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define EDGEBERT_API __declspec(dllimport)
#else
#define EDGEBERT_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Incompatible changes to this header bump it; edgebert_abi_version() must return the same.
 * 2: edgebert_classification.windows and edgebert_session_params.windows (long texts classified
 *    whole over windows by default); both structs grew, so ABI 1 binaries must be rebuilt. */
#define EDGEBERT_ABI_VERSION 2

/* A text length meaning "up to the terminating NUL". */
#define EDGEBERT_NUL_TERMINATED ((size_t)-1)

/* Result of every call that can fail. A closed set: values are never renumbered. */
typedef enum edgebert_status {
    EDGEBERT_OK = 0,
    EDGEBERT_INVALID_ARGUMENT = 1, /* an argument is out of range or inconsistent */
    EDGEBERT_NULL_POINTER = 2,     /* a required pointer is NULL */
    EDGEBERT_IO = 3,               /* the model file cannot be opened or read */
    EDGEBERT_MODEL_FORMAT = 4,     /* not a valid model: bad magic, truncated, checksum, missing tensor */
    EDGEBERT_BUFFER_TOO_SMALL = 5, /* an output buffer is short; *needed says how long it must be */
    EDGEBERT_INPUT_TOO_LONG = 6,   /* text longer than max_length and the session does not truncate */
    EDGEBERT_INVALID_UTF8 = 7,     /* the text is not valid UTF-8 */
    EDGEBERT_OUT_OF_MEMORY = 8,
    EDGEBERT_INVALID_HANDLE = 9,   /* a handle is freed, foreign, or of the wrong kind */
    EDGEBERT_UNSUPPORTED = 10,     /* not available in this build or for this model */
    EDGEBERT_INTERNAL = 11         /* a bug: please report edgebert_last_error() */
} edgebert_status;

/* How edgebert_session_embed reduces hidden states to one vector. */
typedef enum edgebert_pooling {
    EDGEBERT_POOLING_MODEL = 0,  /* whatever the model was trained with (edgebert_model_info.pooling) */
    EDGEBERT_POOLING_POOLER = 1, /* tanh(W h[CLS] + b); only for models whose pooling is the pooler */
    EDGEBERT_POOLING_CLS = 2,    /* the [CLS] hidden state */
    EDGEBERT_POOLING_MEAN = 3    /* mean of all token hidden states, [CLS] and [SEP] included */
} edgebert_pooling;

/* A loaded model: immutable, shared between threads. */
typedef struct edgebert_model edgebert_model;
/* Per-thread inference state over a model. */
typedef struct edgebert_session edgebert_session;

/* Options of a session. Always start from edgebert_session_default_params(). */
typedef struct edgebert_session_params {
    size_t struct_size;  /* sizeof(edgebert_session_params); set by default_params, lets the ABI grow */
    int32_t threads;     /* kernel threads per call; 0 = one per core. Default 1 */
    int32_t max_length;  /* longest input in tokens, [CLS] and [SEP] included; 0 = the model's. Default 0 */
    int32_t pooling;     /* an edgebert_pooling for embed. Default EDGEBERT_POOLING_MODEL */
    int32_t truncate;    /* 1: cut longer input (result.truncated = 1) where it is not read over windows;
                            0: every call fails with INPUT_TOO_LONG on longer input; any other value
                            is INVALID_ARGUMENT. Default 1 */
    int32_t windows;     /* ABI 2. 1: classify reads input longer than max_length whole, over windows of
                            max_length tokens every half window, and averages their logits
                            (result.windows = how many; docs/inference.md); 0: classify cuts it as
                            truncate says. Embed and tokenize always follow truncate. Default 1 */
} edgebert_session_params;

/* Shape of a model. Set struct_size = sizeof(edgebert_model_info) before edgebert_model_get_info. */
typedef struct edgebert_model_info {
    size_t struct_size;
    int32_t hidden_size; /* floats in an embedding */
    int32_t label_count; /* floats in the logits; 0 for an encoder-only model */
    int32_t max_length;  /* longest input in tokens, [CLS] and [SEP] included */
    int32_t vocab_size;  /* WordPiece vocabulary entries */
    int32_t layers;      /* encoder layers */
    int32_t pooling;     /* the model's edgebert_pooling (never EDGEBERT_POOLING_MODEL) */
} edgebert_model_info;

/* Result of classifying one text. */
typedef struct edgebert_classification {
    int32_t label;       /* index of the highest logit (the first on ties); name: edgebert_model_get_label */
    float score;         /* probability of label, in (0, 1]: softmax(logits / T) with the model's
                            calibration temperature T (1 when the model has none) */
    int32_t token_count; /* tokens the encoder ran on, [CLS] and [SEP] included */
    int32_t truncated;   /* 1 when the text was cut to max_length */
    int32_t windows;     /* ABI 2: windows the text was classified over (1 when it fits or was cut);
                            with several, token_count is the text's length as one sequence */
} edgebert_classification;

/* What an embedding was computed from. */
typedef struct edgebert_encode_result {
    int32_t token_count; /* tokens, [CLS] and [SEP] included */
    int32_t truncated;   /* 1 when the text was cut to max_length */
} edgebert_encode_result;

/* --- Library ------------------------------------------------------------------------------- */

/* EDGEBERT_ABI_VERSION of the library; compare with the header's before anything else. */
EDGEBERT_API int edgebert_abi_version(void);

/* Library version, e.g. "0.1.0". Owned by the library; valid for the life of the process. */
EDGEBERT_API const char *edgebert_version(void);

/* One line describing the library, kernels in use, CPU features and runtime (NUL-terminated),
 * into buffer[size]; *needed = bytes including the NUL. */
EDGEBERT_API edgebert_status edgebert_system_info(char *buffer, size_t size, size_t *needed);

/* Message of the last failed call on this thread ("" after a successful one). Owned by the
 * library; valid until the next edgebert_* call on this thread. Never NULL. */
EDGEBERT_API const char *edgebert_last_error(void);

/* --- Model --------------------------------------------------------------------------------- */

/* Memory-maps and validates a .ebm file (checksums included). *model = NULL on failure.
 * IO: missing/unreadable file; MODEL_FORMAT: invalid or truncated content. */
EDGEBERT_API edgebert_status edgebert_model_load(const char *path, edgebert_model **model);

/* Validates a model held in memory (data[size] is copied; free it whenever you like). */
EDGEBERT_API edgebert_status edgebert_model_load_from_memory(const void *data, size_t size, edgebert_model **model);

/* Releases the caller's reference; the memory goes when the model's last session is freed too.
 * Accepts NULL. */
EDGEBERT_API void edgebert_model_free(edgebert_model *model);

/* Fills *info (set info->struct_size first; fields beyond it are not written). */
EDGEBERT_API edgebert_status edgebert_model_get_info(const edgebert_model *model, edgebert_model_info *info);

/* Name of label `index` (0 <= index < label_count) as NUL-terminated UTF-8 into buffer[size];
 * *needed = bytes including the NUL. */
EDGEBERT_API edgebert_status edgebert_model_get_label(const edgebert_model *model, int32_t index,
                                                      char *buffer, size_t size, size_t *needed);

/* --- Session ------------------------------------------------------------------------------- */

/* The defaults, with struct_size set. */
EDGEBERT_API edgebert_session_params edgebert_session_default_params(void);

/* A session over model (params NULL = defaults); it keeps the model alive until freed.
 * Passed by pointer so struct_size tells the library which version of the struct it reads. */
EDGEBERT_API edgebert_status edgebert_session_create(edgebert_model *model, const edgebert_session_params *params,
                                                     edgebert_session **session);

/* Frees a session. Accepts NULL. */
EDGEBERT_API void edgebert_session_free(edgebert_session *session);

/* WordPiece ids of text as classify sees them ([CLS] ... [SEP], cut or failing at max_length)
 * into ids[capacity]; *needed = number of ids. */
EDGEBERT_API edgebert_status edgebert_session_tokenize(edgebert_session *session, const char *text, size_t length,
                                                       int32_t *ids, size_t capacity, size_t *needed);

/* Classifies one text into *result; when logits is not NULL the label_count logits are written
 * to logits[capacity] (*needed = label_count, else 0). */
EDGEBERT_API edgebert_status edgebert_session_classify(edgebert_session *session, const char *text, size_t length,
                                                       edgebert_classification *result,
                                                       float *logits, size_t capacity, size_t *needed);

/* Classifies texts[count] (lengths NULL = all NUL-terminated) into results[count]; logits, when
 * not NULL, is [count][label_count] (*needed = count * label_count). Same results as one call
 * per text. */
EDGEBERT_API edgebert_status edgebert_session_classify_batch(edgebert_session *session, const char *const *texts,
                                                             const size_t *lengths, size_t count,
                                                             edgebert_classification *results,
                                                             float *logits, size_t capacity, size_t *needed);

/* Sequence embedding (the session's pooling) into embedding[capacity]; *needed = hidden_size.
 * result may be NULL. The text is tokenized as classify tokenizes it: cut to the session's
 * max_length (result->truncated = 1), or INPUT_TOO_LONG when the session does not truncate.
 * UNSUPPORTED: pooling POOLER on a model without a pooler. */
EDGEBERT_API edgebert_status edgebert_session_embed(edgebert_session *session, const char *text, size_t length,
                                                    float *embedding, size_t capacity, size_t *needed,
                                                    edgebert_encode_result *result);

#ifdef __cplusplus
}
#endif

#endif /* EDGEBERT_H */
