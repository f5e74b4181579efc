/* A minimal test harness: TEST functions, CHECK assertions that record file:line, and per-test
 * pass/fail counts written as "PASSED FAILED" for scripts/test.sh. */
#ifndef EDGEBERT_TEST_HARNESS_H
#define EDGEBERT_TEST_HARNESS_H

#include <stdio.h>

extern int harness_failures; /* CHECK failures in the running test */

#define CHECK(cond, ...)                                                               \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            harness_failures++;                                                        \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                              \
            fprintf(stderr, "\n");                                                     \
        }                                                                              \
    } while (0)

/* Checks a status and shows the library's message when it differs. */
#define CHECK_STATUS(expected, call)                                                              \
    do {                                                                                          \
        edgebert_status status_ = (call);                                                         \
        CHECK(status_ == (expected), "%s returned %d, expected %d (%s); last error: %s", #call, \
              (int)status_, (int)(expected), #expected, edgebert_last_error());                   \
    } while (0)

#endif
