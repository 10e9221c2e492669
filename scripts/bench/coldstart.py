#!/usr/bin/env python3
# coldstart.py - time from process start to the first token, for
# bench-vs-llamacpp.sh.
#
#   coldstart.py MODEL THREADS RUNS 'LLAMA.CPP COMMAND' 'LIQUID COMMAND'
#
# Each command starts a process that maps a model whose file is already in
# the page cache, reads a two-token prompt and generates one token. Runs
# each command once (warm-up: the file enters the page cache), then RUNS
# times in a row, and prints one markdown row: the median wall time from
# process start to exit of each, in ms, and llama.cpp's over Liquid's.
import shlex
import statistics
import subprocess
import sys
import time


def median_ms(command, runs):
    argv = shlex.split(command)
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        if i:
            times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main():
    model, threads, runs, llama, liquid = sys.argv[1:6]
    peer = median_ms(llama, int(runs))
    ours = median_ms(liquid, int(runs))
    print(f"| {model} | {threads} | {peer:.0f} | {ours:.0f} | {peer / ours:.1f} |")


if __name__ == "__main__":
    main()
