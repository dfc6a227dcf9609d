#!/usr/bin/python3
"""PyTorch CPU reference of benchmarks/compare: every workload of cases.py, timed like the JMH runs.

Usage: torch_reference.py THREADS [sgemm,conv,resnet] > result.json. Run with Debian's python3-torch, with
OPENBLAS_NUM_THREADS and OMP_NUM_THREADS set to THREADS (benchmarks/compare does) since OpenBLAS
reads them when it loads; torch.set_num_threads pins PyTorch's own pool. Prints one JSON object:
{"torch": version, "threads": n, "results_us": {key: [per-iteration mean microseconds per call]}}
with keys "sgemm:<MxNxK>", "conv:<name>:<pass>" and "resnet18:<batch>". The convolution passes
call aten::convolution_backward with one output selected, which is what autograd runs.
"""
import json
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402
from timing import mean_call_us  # noqa: E402

WARMUP_ITERATIONS = 3
ITERATIONS = 5
ITERATION_S = 0.3


def measure(fn, iteration_s=ITERATION_S):
    """Per-iteration mean microseconds per call, after warm-up iterations, as JMH's avgt mode."""
    results = [mean_call_us(fn, iteration_s) for _ in range(WARMUP_ITERATIONS + ITERATIONS)]
    return results[WARMUP_ITERATIONS:]


def conv_case(name):
    c = cases.conv(name)
    x = torch.randn(c["n"], c["c"], c["h"], c["h"])
    w = torch.randn(c["o"], c["c"] // c["g"], c["k"], c["k"])
    stride, pad, groups = [c["s"]] * 2, [c["p"]] * 2, c["g"]
    y = torch.nn.functional.conv2d(x, w, stride=stride, padding=pad, groups=groups)
    dy = torch.randn_like(y)

    def backward(mask):
        return lambda: torch.ops.aten.convolution_backward(
            dy, x, w, None, stride, pad, [1, 1], False, [0, 0], groups, mask)

    return {
        "forward": lambda: torch.nn.functional.conv2d(x, w, stride=stride, padding=pad, groups=groups),
        "inputGrad": backward([True, False, False]),
        "weightGrad": backward([False, True, False]),
    }


def main():
    threads = int(sys.argv[1])
    selected = set((sys.argv[2] if len(sys.argv) > 2 else "sgemm,conv,resnet").split(","))
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {}
    with torch.no_grad():
        for name in cases.SGEMM.values() if "sgemm" in selected else []:
            m, n, k = cases.gemm(name)
            a, b, c = torch.randn(m, k), torch.randn(k, n), torch.empty(m, n)
            out[f"sgemm:{name}"] = measure(lambda: torch.mm(a, b, out=c))
        for name in cases.CONV.values() if "conv" in selected else []:
            for pass_name, fn in conv_case(name).items():
                out[f"conv:{name}:{pass_name}"] = measure(fn)
        model = torchvision.models.resnet18(weights=None).eval()
        for batch in cases.RESNET_BATCHES if "resnet" in selected else []:
            x = torch.randn(batch, 3, 224, 224)
            out[f"resnet18:{batch}"] = measure(lambda: model(x), iteration_s=0.5)
    print(json.dumps({"torch": torch.__version__, "threads": threads, "results_us": out}))


if __name__ == "__main__":
    main()
