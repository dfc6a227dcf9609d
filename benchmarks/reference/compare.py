#!/usr/bin/python3
"""Runs graft's JMH benchmarks, ONNX Runtime (Java package, through JMH) and PyTorch CPU side by
side on the workloads of cases.py, and writes the results into BENCHMARKS.md.

Called by benchmarks/compare, which installs the Debian packages and builds the jar first; see
that script for the options. For each thread count it runs graft on each JDK asked for, then ONNX
Runtime, then PyTorch (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and torch.set_num_threads pinned to
the same count). The section between the compare markers of BENCHMARKS.md is replaced; the raw
JMH and PyTorch JSON stay in benchmarks/target/compare/.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cases  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
JAR = os.path.join(ROOT, "benchmarks", "target", "benchmarks.jar")
BEGIN = "<!-- compare:begin (written by benchmarks/compare; edits inside are overwritten) -->"
END = "<!-- compare:end -->"
GRAFT = r"dev\.graft\.benchmarks\.(GemmBenchmark|ConvBenchmark|ResNetBenchmark)\."
ORT = r"dev\.graft\.benchmarks\.OrtBenchmark\."
# Thresholds of issue 3, as time ratios graft / reference (0.9x the speed is 1/0.9 the time).
TARGETS = [
    ("sgemm 1024^3 vs OpenBLAS", "sgemm:1024x1024x1024", "torch", 1 / 0.9),
    ("conv 3x3 64ch 56x56 b8 forward vs PyTorch", "conv:n8c64h56o64k3s1p1g1:forward", "torch", 1.0),
    ("conv 3x3 64ch 56x56 b8 input grad vs PyTorch", "conv:n8c64h56o64k3s1p1g1:inputGrad", "torch", 1.0),
    ("conv 3x3 64ch 56x56 b8 weight grad vs PyTorch", "conv:n8c64h56o64k3s1p1g1:weightGrad", "torch", 1.0),
    ("ResNet-18 b1 vs ONNX Runtime", "resnet18:1", "ort", 1.0),
    ("ResNet-18 b8 vs ONNX Runtime", "resnet18:8", "ort", 1.0),
]


def log(message):
    print(f"compare: {message}", file=sys.stderr, flush=True)


def jdk_home(version):
    if version == "17":
        for path in ("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-17-openjdk"):
            if os.path.isdir(path):
                return path
        raise SystemExit("compare: JDK 17 not found under /usr/lib/jvm (Debian package openjdk-17-jdk-headless)")
    path = os.environ.get("GRAFT_JDK25_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    if not os.path.isdir(path):
        raise SystemExit(f"compare: the Temurin 25 JDK is not at {path} (set GRAFT_JDK25_HOME)")
    return path


def jdk_name(home):
    out = subprocess.run([os.path.join(home, "bin", "java"), "-version"], capture_output=True, text=True)
    line = out.stderr.splitlines()[1] if len(out.stderr.splitlines()) > 1 else out.stderr.strip()
    return line.replace("Runtime Environment ", "").strip()


def jmh(home, pattern, params, threads, models, json_path, jmh_args):
    # Another JMH run on a shared machine holds /tmp/jmh.lock; its noise is reported, not waited out.
    cmd = [os.path.join(home, "bin", "java"), "-Djmh.ignoreLock=true", "-jar", JAR, pattern, "-foe", "false", "-rf", "json", "-rff", json_path,
           "-jvmArgsAppend", f"--add-modules=jdk.incubator.vector -Dgraft.threads={threads} -Dgraft.bench.models={models}"]
    for name, values in params.items():
        if values:
            cmd += ["-p", f"{name}={','.join(str(v) for v in values)}"]
    cmd += jmh_args
    log(" ".join(cmd[:5]) + f" ... ({threads} thread(s))")
    if os.path.exists(json_path):
        os.remove(json_path)  # a failed run must not leave the previous run's figures in place
    with open(json_path + ".log", "w") as out:
        subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if not os.path.exists(json_path):
        log(f"JMH wrote no results; see {json_path}.log")
        return {}
    results = {}
    for entry in json.load(open(json_path)):
        cls, method = entry["benchmark"].rsplit(".", 2)[-2:]
        p = entry.get("params", {})
        if cls == "GemmBenchmark":
            key = f"sgemm:{p['shape']}"
        elif cls == "ConvBenchmark":
            key = f"conv:{p['conv']}:{method}"
        elif cls == "ResNetBenchmark":
            key = f"resnet18:{p['batch']}"
        else:
            key = p["workload"] + (":forward" if p["workload"].startswith("conv:") else "")
        results[key] = [x for fork in entry["primaryMetric"]["rawData"] for x in fork]
    return results


def torch_reference(threads, selected, json_path):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    log(f"PyTorch ({threads} thread(s))")
    with open(json_path, "w") as out:
        done = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "torch_reference.py"), str(threads), ",".join(sorted(selected))],
                              stdout=out, env=env, check=False)
    if done.returncode != 0:
        log("the PyTorch reference failed (output above)")
        return {}, "failed"
    data = json.load(open(json_path))
    return data["results_us"], data["torch"]


def fmt(values):
    if not values:
        return "—"
    med, low = statistics.median(values) / 1000, min(values) / 1000
    digits = 3 if med < 1 else 2 if med < 100 else 1
    return f"{med:.{digits}f} ({low:.{digits}f})"


def flops(key):
    kind, name = key.split(":")[:2]
    if kind == "sgemm":
        return cases.gemm_flops(name)
    if kind == "conv":
        return cases.conv_flops(name)
    return None


def workloads(selected):
    rows = []
    if "sgemm" in selected:
        rows += [(f"sgemm {label} ({name})", f"sgemm:{name}") for label, name in cases.SGEMM.items()]
    if "conv" in selected:
        for label, name in cases.CONV.items():
            rows += [(f"conv {label} {p}", f"conv:{name}:{p}") for p in cases.CONV_PASSES]
    if "resnet" in selected:
        rows += [(f"ResNet-18 forward b{b}", f"resnet18:{b}") for b in cases.RESNET_BATCHES]
    return rows


def ratio(graft, ref):
    if not graft or not ref:
        return None
    return statistics.median(graft) / statistics.median(ref)


def table(rows, threads, graft, ort, torch, jdks):
    head = "| workload | " + " | ".join(f"graft JDK {j}" for j in jdks) + " | PyTorch | ONNX Runtime | " \
        + " | ".join(f"ratio JDK {j}" for j in jdks) + " | best GFLOP/s graft / ref |"
    lines = [head, "|" + "---|" * (len(jdks) * 2 + 4)]
    for label, key in rows:
        refs = [r for r in (torch.get(key), ort.get(key)) if r]
        best = min(refs, key=statistics.median) if refs else None
        cells = [fmt(graft[j].get(key)) for j in jdks] + [fmt(torch.get(key)), fmt(ort.get(key))]
        for j in jdks:
            r = ratio(graft[j].get(key), best)
            cells.append("—" if r is None else f"**{r:.2f}**" if r > 1 else f"{r:.2f}")
        f = flops(key)
        mins = [min(graft[j][key]) for j in jdks if graft[j].get(key)]
        if f and mins and best:
            cells.append(f"{f / min(mins) / 1e3:.0f} / {f / min(best) / 1e3:.0f}")
        else:
            cells.append("")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def targets(threads_list, graft, ort, torch, jdks):
    lines = ["| target | threads | " + " | ".join(f"JDK {j}" for j in jdks) + " | needed |",
             "|---|---|" + "---|" * len(jdks) + "---|"]
    for label, key, ref_name, limit in TARGETS:
        for t in threads_list:
            ref = (torch if ref_name == "torch" else ort)[t].get(key)
            cells = []
            for j in jdks:
                r = ratio(graft[t][j].get(key), ref)
                cells.append("—" if r is None else f"{r:.2f} {'met' if r <= limit else 'MISSED'}")
            lines.append(f"| {label} | {t} | " + " | ".join(cells) + f" | <= {limit:.2f} |")
    return lines


def write_section(path, text):
    old = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(new)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--jdk", default="both", choices=["17", "25", "both"])
    parser.add_argument("--only", default="sgemm,conv,resnet")
    parser.add_argument("--output", default=os.path.join(ROOT, "BENCHMARKS.md"))
    parser.add_argument("--note", default="")
    parser.add_argument("jmh_args", nargs="*")
    args = parser.parse_args()
    threads_list = [int(t) for t in args.threads.split(",")]
    jdks = ["17", "25"] if args.jdk == "both" else [args.jdk]
    selected = set(args.only.split(","))
    out = os.path.join(ROOT, "benchmarks", "target", "compare")
    models = os.path.join(out, "models")
    os.makedirs(models, exist_ok=True)
    started = time.time()
    load_before = os.getloadavg()
    log("writing the ONNX models")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "make_models.py"), models], check=True)
    rows = workloads(selected)
    keys = [k for _, k in rows]
    gemm_names = [k.split(":")[1] for k in keys if k.startswith("sgemm:")]
    conv_names = sorted({k.split(":")[1] for k in keys if k.startswith("conv:")}, key=lambda n: list(cases.CONV.values()).index(n))
    batches = [k.split(":")[1] for k in keys if k.startswith("resnet18:")]
    graft_pattern = GRAFT if selected == {"sgemm", "conv", "resnet"} else r"dev\.graft\.benchmarks\.(" + "|".join(
        {"sgemm": "GemmBenchmark", "conv": "ConvBenchmark", "resnet": "ResNetBenchmark"}[s] for s in sorted(selected)) + r")\."
    graft, ort, torch = {}, {}, {}
    torch_version = "?"
    for t in threads_list:
        graft[t] = {}
        for j in jdks:
            graft[t][j] = jmh(jdk_home(j), graft_pattern, {"shape": gemm_names, "conv": conv_names, "batch": batches},
                              t, models, os.path.join(out, f"graft-jdk{j}-t{t}.json"), args.jmh_args)
        ort_workloads = [k if not k.startswith("conv:") else ":".join(k.split(":")[:2])
                         for k in keys if not k.startswith("conv:") or k.endswith(":forward")]
        ort[t] = jmh(jdk_home(jdks[0]), ORT, {"workload": ort_workloads}, t, models,
                     os.path.join(out, f"ort-t{t}.json"), args.jmh_args)
        torch[t], torch_version = torch_reference(t, selected, os.path.join(out, f"torch-t{t}.json"))
    minutes = (time.time() - started) / 60
    load_after = os.getloadavg()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
    simd = "AVX-512" if " avx512f" in flags else "AVX2" if " avx2" in flags else "no AVX2"
    jdk_lines = ", ".join(f"JDK {j} = {jdk_name(jdk_home(j))}" for j in jdks)
    text = [f"## Side-by-side run, {datetime.date.today()}", "",
            f"`benchmarks/compare --threads {args.threads} --jdk {args.jdk}` on {os.cpu_count()} x {cpu} ({simd}); "
            f"{jdk_lines}; PyTorch {torch_version} (Debian `python3-torch`, oneDNN convolutions, OpenBLAS GEMM); "
            f"ONNX Runtime 1.17.1 (Java package, MLAS). The run took {minutes:.1f} min; load average "
            f"{load_before[0]:.2f} before and {load_after[0]:.2f} after"
            + (" (the machine was shared with other jobs: treat the figures as noisy)." if max(load_before[0], load_after[0]) > 0.5 * os.cpu_count() else "."),
            ""]
    if args.note:
        text += [args.note, ""]
    text += ["Times in milliseconds per call, median (min) over 5 measured iterations of 0.3-0.5 s after 3 warm-up "
             "iterations, each side timed the same way (JMH `avgt` for graft and ONNX Runtime, the same loop in "
             "Python for PyTorch). Ratio = graft median / best reference median (below 1: graft is faster; bold: "
             "slower). GFLOP/s from the best (min) times. Convolution gradients exist only in PyTorch. sgemm "
             "writes a preallocated C in graft and PyTorch (`torch.mm(out=)`); ONNX Runtime allocates its output.", ""]
    text += ["### Targets of issue 3", ""] + targets(threads_list, graft, ort, torch, jdks) + [""]
    for t in threads_list:
        text += [f"### {t} thread{'s' if t > 1 else ''}", ""] + table(rows, t, graft[t], ort[t], torch[t], jdks) + [""]
    write_section(args.output, "\n".join(text).rstrip("\n"))
    log(f"wrote {args.output} ({minutes:.1f} min)")


if __name__ == "__main__":
    main()
