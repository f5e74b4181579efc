/*
 * launcher.c - bin/edgebert: starts the EdgeBert CLI build that suits this CPU.
 *
 * The builds sit in <prefix>/libexec/edgebert/edgebert-x86-64-v{2,3,4}, where <prefix> is the
 * folder above the launcher's own. The launcher picks one (cpu_variant.h), tells it what it picked
 * and why through EDGEBERT_CPU_VARIANT_CHOSEN and EDGEBERT_CPU_VARIANT_REASON (`edgebert info`
 * prints them), and execs it with the same arguments.
 */
#define _GNU_SOURCE
#include "cpu_variant.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct variants {
    char dir[PATH_MAX];
};

static int variant_path(const struct variants *v, int level, char *path, size_t size)
{
    int n = snprintf(path, size, "%s/edgebert-x86-64-v%d", v->dir, level);
    return n > 0 && (size_t)n < size;
}

static int installed(int level, void *ctx)
{
    char path[PATH_MAX];
    return variant_path(ctx, level, path, sizeof path) && access(path, X_OK) == 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    struct variants v;
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        perror("edgebert: cannot find the launcher's own path (/proc/self/exe)");
        return 127;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash) *slash = '\0';
    if (snprintf(v.dir, sizeof v.dir, "%s/../libexec/edgebert", self) >= (int)sizeof v.dir) {
        fprintf(stderr, "edgebert: error: install path too long\n");
        return 127;
    }

    char reason[512];
    int level = edgebert_choose_level(getenv(EDGEBERT_CPU_VARIANT_ENV), installed, &v, reason, sizeof reason);
    if (level < 0) {
        fprintf(stderr, "edgebert: error: %s\n", reason);
        return 2;
    }
    if (level == 0) {
        fprintf(stderr, "edgebert: error: %s (looked in %s)\n", reason, v.dir);
        return 127;
    }
    char path[PATH_MAX], chosen[16];
    variant_path(&v, level, path, sizeof path);
    snprintf(chosen, sizeof chosen, "x86-64-v%d", level);
    if (setenv("EDGEBERT_CPU_VARIANT_CHOSEN", chosen, 1) != 0 ||
        setenv("EDGEBERT_CPU_VARIANT_REASON", reason, 1) != 0) {
        perror("edgebert: setenv");
        return 127;
    }
    execv(path, argv);
    fprintf(stderr, "edgebert: error: cannot start %s: ", path);
    perror(NULL);
    return 127;
}
