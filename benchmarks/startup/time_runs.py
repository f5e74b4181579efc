#!/usr/bin/env python3
"""Times process start to exit of several commands: N rounds, each round runs every command once
(interleaved, so a change in machine load hits all of them alike). Prints min, median and p90 in ms
as a Markdown table, with the median CPU time (user + system, from wait4's rusage) that the
process used: on a busy machine the wall time includes waiting for a core, the CPU time does not. Usage: time_runs.py N LABEL1 CMD1 [LABEL2 CMD2 ...] (CMD is one shell-quoted string)."""
import os, shlex, statistics, sys, time

def run_once(argv):
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, usage = os.wait4(pid, 0)
    elapsed = (time.perf_counter_ns() - start) / 1e6
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"startup: '{shlex.join(argv)}' failed (exit {os.waitstatus_to_exitcode(status)})")
    return elapsed, (usage.ru_utime + usage.ru_stime) * 1e3

def main():
    n = int(sys.argv[1])
    pairs = sys.argv[2:]
    if n < 1 or not pairs or len(pairs) % 2:
        sys.exit(__doc__)
    commands = [(pairs[i], shlex.split(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    for _, argv in commands:  # warm the page cache; not counted
        run_once(argv)
    times = {label: [] for label, _ in commands}
    cpu = {label: [] for label, _ in commands}
    for _ in range(n):
        for label, argv in commands:
            wall, used = run_once(argv)
            times[label].append(wall)
            cpu[label].append(used)
    print("| command | min | median | p90 | CPU median |")
    print("|---|---:|---:|---:|---:|")
    for label, _ in commands:
        t = sorted(times[label])
        p90 = t[min(len(t) - 1, int(round(0.9 * (len(t) - 1))))]
        print(f"| {label} | {t[0]:.1f} ms | {statistics.median(t):.1f} ms | {p90:.1f} ms | {statistics.median(cpu[label]):.1f} ms |")

main()
