#!/usr/bin/python3
"""PyTorch CPU reference for benchmarks/SmokeBenchmark: the same four ops on the same shapes.

Run with Debian's python3-torch. Prints one JSON object: benchmark name -> list of per-iteration
times in microseconds, measured like the JMH run (warm-up first, then timed iterations of about
one second each, reporting the mean time per call within each iteration).
"""
import json
import sys
import time

import torch

from timing import mean_call_us


def measure(fn, warmup_s=3.0, iterations=5, iteration_s=1.0):
    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        fn()
    return [mean_call_us(fn, iteration_s) for _ in range(iterations)]


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    million = 1 << 20
    a = torch.randn(million)
    b = torch.randn(million)
    m1 = torch.randn(256, 256)
    m2 = torch.randn(256, 256)
    image = torch.randn(1, 64, 56, 56)
    kernel = torch.randn(64, 64, 3, 3)
    with torch.no_grad():
        out = {
            "add1M": measure(lambda: a + b),
            "sum1M": measure(lambda: a.sum()),
            "matmul256": measure(lambda: m1 @ m2),
            "conv3x3x64on56": measure(lambda: torch.nn.functional.conv2d(image, kernel, padding=1)),
        }
    print(json.dumps({"torch": torch.__version__, "threads": threads, "results_us": out}))


if __name__ == "__main__":
    main()
