/*
 * edgebert-consumer MODEL [TEXT...] - a C program built against an installed EdgeBert release
 * (pkg-config or CMake find_package; scripts/test.d/package.sh and variants.sh). Prints the
 * library's edgebert_system_info() line ("info: ..."), then "LABEL<TAB>SCORE" per text.
 */
#include <stdio.h>
#include <stdlib.h>

#include <edgebert.h>

static int fail(const char *what, edgebert_status status)
{
    fprintf(stderr, "edgebert-consumer: %s failed (status %d): %s\n", what, (int)status, edgebert_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s MODEL [TEXT...]\n", argv[0]);
        return 2;
    }
    size_t needed = 0;
    edgebert_status status = edgebert_system_info(NULL, 0, &needed);
    if (status != EDGEBERT_BUFFER_TOO_SMALL && status != EDGEBERT_OK) return fail("edgebert_system_info", status);
    char *info = malloc(needed);
    if (info == NULL) return 1;
    if ((status = edgebert_system_info(info, needed, NULL)) != EDGEBERT_OK) {
        free(info);
        return fail("edgebert_system_info", status);
    }
    printf("info: %s\n", info);
    free(info);

    edgebert_model *model = NULL;
    edgebert_session *session = NULL;
    int code = 1;
    if ((status = edgebert_model_load(argv[1], &model)) != EDGEBERT_OK) return fail("edgebert_model_load", status);
    edgebert_session_params params = edgebert_session_default_params();
    if ((status = edgebert_session_create(model, &params, &session)) != EDGEBERT_OK) {
        code = fail("edgebert_session_create", status);
        goto done;
    }
    for (int i = 2; i < argc; i++) {
        edgebert_classification result;
        if ((status = edgebert_session_classify(session, argv[i], EDGEBERT_NUL_TERMINATED, &result, NULL, 0, NULL)) != EDGEBERT_OK) {
            code = fail("edgebert_session_classify", status);
            goto done;
        }
        char label[256];
        if ((status = edgebert_model_get_label(model, result.label, label, sizeof label, NULL)) != EDGEBERT_OK) {
            code = fail("edgebert_model_get_label", status);
            goto done;
        }
        printf("%s\t%.4f\n", label, result.score);
    }
    code = 0;
done:
    edgebert_session_free(session);
    edgebert_model_free(model);
    return code;
}
