/*
 * edgebert-classify MODEL TEXT... - classifies each text with libedgebert and prints one line per
 * text: label index, label name, score, the logits and the token count, tab-separated. Floats are
 * printed with 9 significant digits, which round-trips a float exactly, so the output can be
 * compared bit for bit with the C# API (tests/EdgeBert.Native.Tests, CExampleParityTests).
 */
#include <stdio.h>
#include <stdlib.h>

#include <edgebert.h>

static int fail(const char *what, edgebert_status status) {
    fprintf(stderr, "edgebert-classify: %s failed (status %d): %s\n", what, (int)status, edgebert_last_error());
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL TEXT...\n", argv[0]);
        return 2;
    }
    if (edgebert_abi_version() != EDGEBERT_ABI_VERSION) {
        fprintf(stderr, "edgebert-classify: libedgebert ABI %d, header ABI %d\n", edgebert_abi_version(), EDGEBERT_ABI_VERSION);
        return 1;
    }
    edgebert_model *model = NULL;
    edgebert_session *session = NULL;
    float *logits = NULL;
    int code = 1;
    edgebert_status status = edgebert_model_load(argv[1], &model);
    if (status != EDGEBERT_OK) return fail("edgebert_model_load", status);

    edgebert_model_info info = {.struct_size = sizeof info};
    edgebert_session_params params = edgebert_session_default_params();
    if ((status = edgebert_model_get_info(model, &info)) != EDGEBERT_OK) { code = fail("edgebert_model_get_info", status); goto done; }
    if ((status = edgebert_session_create(model, &params, &session)) != EDGEBERT_OK) { code = fail("edgebert_session_create", status); goto done; }
    logits = calloc((size_t)info.label_count, sizeof *logits);
    if (logits == NULL) goto done;

    for (int i = 2; i < argc; i++) {
        edgebert_classification result;
        size_t n = 0;
        status = edgebert_session_classify(session, argv[i], EDGEBERT_NUL_TERMINATED, &result, logits, (size_t)info.label_count, &n);
        if (status != EDGEBERT_OK) { code = fail("edgebert_session_classify", status); goto done; }
        char name[256];
        size_t needed = 0;
        if ((status = edgebert_model_get_label(model, result.label, name, sizeof name, &needed)) != EDGEBERT_OK) {
            code = fail("edgebert_model_get_label", status);
            goto done;
        }
        printf("%d\t%s\t%.9g\t", result.label, name, result.score);
        for (size_t j = 0; j < n; j++) printf(j ? " %.9g" : "%.9g", logits[j]);
        printf("\t%d\n", result.token_count);
    }
    code = 0;
done:
    free(logits);
    edgebert_session_free(session);
    edgebert_model_free(model);
    return code;
}
