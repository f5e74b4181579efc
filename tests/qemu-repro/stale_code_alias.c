/*
 * Smallest reproducer of the qemu user-mode defect behind the random NullReferenceExceptions of
 * the .NET tests under emulation (tests/qemu-repro/README.md).
 *
 * A JIT with W^X (the .NET runtime's default since .NET 7) writes machine code through a
 * writable view of a memfd and executes it through a second, read+execute view of the same
 * pages. When new code is written over code that has already run (the .NET runtime reuses the
 * memory of collected dynamic methods, stubs and rejitted code), the program flushes the caches
 * for the executable address exactly as the architecture requires (__builtin___clear_cache: DC
 * CVAU + IC IVAU + ISB on arm64). A real CPU then runs the new code. qemu-user does not notice
 * stores through the other view and keeps running its translation of the old code.
 *
 * Control: the same sequence on one read+write+execute mapping (what .NET does with
 * DOTNET_EnableWriteXorExecute=0), where qemu sees the store and drops the stale translation.
 *
 * Exit 0: both runs returned the new code's value (real hardware). Exit 1: the aliased run
 * returned the old value (the defect). Build: aarch64-linux-gnu-gcc -O2 -o stale_code_alias stale_code_alias.c
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*function)(void);

/* "mov w0, #value; ret" */
static void emit_return(uint32_t *code, unsigned value)
{
    code[0] = 0x52800000u | ((value & 0xffffu) << 5);
    code[1] = 0xd65f03c0u;
}

/* Writes "return 1", calls it, overwrites it with "return 2" in place, calls it again. */
static int second_call(uint32_t *writable, void *executable)
{
    emit_return(writable, 1);
    __builtin___clear_cache((char *)executable, (char *)executable + 8);
    int first = ((function)executable)();
    emit_return(writable, 2);
    __builtin___clear_cache((char *)executable, (char *)executable + 8);
    int second = ((function)executable)();
    return first == 1 ? second : -1;
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);

    int fd = memfd_create("double-mapped-code", 0);
    if (fd < 0 || ftruncate(fd, page) != 0) { perror("memfd"); return 2; }
    void *rw = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    void *rx = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    if (rw == MAP_FAILED || rx == MAP_FAILED) { perror("mmap"); return 2; }
    int aliased = second_call(rw, rx);

    void *rwx = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rwx == MAP_FAILED) { perror("mmap rwx"); return 2; }
    int single = second_call(rwx, rwx);

    printf("W^X double mapping (write via RW view, run via RX view): second call returned %d (expected 2)\n", aliased);
    printf("single RWX mapping (control):                              second call returned %d (expected 2)\n", single);
    if (aliased == 2 && single == 2) { puts("ok: the rewritten code ran in both cases"); return 0; }
    puts("DEFECT: code rewritten through the writable alias was not re-read; the old translation ran");
    return 1;
}
