#!/usr/bin/env python3
"""Exports torchvision classification models to ONNX with PyTorch's outputs as the reference.

Reference implementation: PyTorch and torchvision (Debian's python3-torch, python3-torchvision);
onnx (python3-onnx) checks the exported files and serializes the tensors. `./run-tests` runs this
script before Maven, and `TorchvisionModelsTest` (onnx-import) checks every model against the
files it writes. By hand, from anywhere:

    /usr/bin/python3 scripts/onnx/export_torchvision.py                 # the CI set into build/torchvision
    /usr/bin/python3 scripts/onnx/export_torchvision.py --out DIR resnet18 vgg11_bn ...
    ./graft onnx-test build/torchvision                                 # the same check from the CLI

Each model gets a folder OUT/<name>/ in the ONNX backend test-case layout:
  model.onnx                          exported once, batch dimension dynamic ("batch")
  test_data_set_0/input_0.pb, output_0.pb   a batch of 1 image and PyTorch's eval-mode logits
  test_data_set_1/input_0.pb, output_0.pb   a batch of 3 images, same file
  data.json                           the tolerance (atol, rtol 0; see TOLERANCE) and PyTorch's
                                      batch-1 forward time, for the test's timing table

Weights: no pretrained weights can be downloaded here, so each model gets torchvision's own seeded
random initialization; BatchNorm's scale and shift are then perturbed and its running statistics
measured on random images (train-mode forward passes with momentum=None, i.e. the plain average
over the calibration batches), and the classifier is scaled so the logits have unit standard
deviation. Without that, random-init running statistics (mean 0, variance 1) would let
activations grow or shrink layer after layer, and the logits would be huge or nearly equal,
which makes any tolerance meaningless. The script refuses a model whose
logits are not finite, have no spread across classes, or do not depend on the image.

BatchNormalization nodes are kept in the ONNX graph (TrainingMode.PRESERVE on a model in eval
mode) instead of being folded into the convolutions, as a model meant for fine-tuning needs.

Caching: OUT/STAMP records a hash of this script, the package versions and the model list; when
it matches and every folder is present the script exits at once (pass --force to regenerate).
A run writes each model to a temporary folder and renames it, and writes STAMP last, so an
interrupted run is redone.
"""
import argparse
import hashlib
import importlib.metadata
import json
import os
import shutil
import sys
import time
import warnings
import zlib

# torch, torchvision and onnx are imported inside the functions that use them, so that the up-to-date
# check in main() answers in a fraction of a second without loading PyTorch.

# The models the CI test checks (TorchvisionModelsTest lists the same names).
CI_MODELS = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large",
             "efficientnet_b0", "squeezenet1_1", "densenet121", "shufflenet_v2_x1_0", "regnet_y_400mf"]

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, "build", "torchvision")

IMAGE_SIZE = 224          # every model's native size; all of them run well under a second at it
BATCHES = (1, 3)          # the same file at two batch sizes proves the batch axis is really dynamic
OPSET = 17                # the newest opset torch 1.13 writes
CALIBRATION_BATCHES = 2   # 16 images: even the last layers' statistics average 16 x 7 x 7 positions
CALIBRATION_BATCH_SIZE = 8

# The criterion TorchvisionModelsTest applies (and data.json hands to `graft onnx-test`):
#   max_i |graft_i - torch_i| <= TOLERANCE * max(1, max_i |torch_i|)
# Logits are compared as one vector: float32 sums of thousands of terms in a different order (graft's
# blocked GEMM against oneDNN) leave errors proportional to the size of the activations, the same on
# every logit, so a per-element relative bound would be meaningless for logits near zero. The floor
# of 1 makes it a plain absolute bound of 1e-4 unless the logits are larger than 1.
TOLERANCE = 1e-4


def versions():
    out = {}
    for dist in ("torch", "torchvision", "onnx"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


def stamp_for(models):
    with open(os.path.abspath(__file__), "rb") as f:
        script = hashlib.sha256(f.read()).hexdigest()
    return {"script_sha256": script, "versions": versions(), "models": sorted(models)}


def up_to_date(out, stamp):
    try:
        with open(os.path.join(out, "STAMP")) as f:
            old = json.load(f)
    except (OSError, ValueError):
        return False
    if old.get("script_sha256") != stamp["script_sha256"] or old.get("versions") != stamp["versions"]:
        return False
    if not set(stamp["models"]) <= set(old.get("models", [])):
        return False
    return all(os.path.isfile(os.path.join(out, m, "data.json")) for m in stamp["models"])


def calibrate_batchnorm(model, gen):
    """Random but realistic BatchNorm state: perturbed affine parameters, running statistics measured."""
    import torch
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for m in norms:
            m.weight.uniform_(0.8, 1.2, generator=gen)
            m.bias.uniform_(-0.1, 0.1, generator=gen)
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batches
        # only the norms train: dropout and stochastic depth stay off so the statistics are eval's
        model.eval()
        for m in norms:
            m.train()
        for _ in range(CALIBRATION_BATCHES):
            model(torch.randn(CALIBRATION_BATCH_SIZE, 3, IMAGE_SIZE, IMAGE_SIZE, generator=gen))
        model.eval()
        # torchvision initializes some classifiers with std 0.01, which leaves logits within +-0.02 of each
        # other; a trained classifier's logits spread over several units. The last Linear or Conv2d feeds
        # the logits through positively homogeneous ops only (ReLU, pooling), so scaling its weight and
        # bias scales the logits: give them unit standard deviation on a calibration batch.
        head = [m for m in model.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))][-1]
        y = model(torch.randn(CALIBRATION_BATCH_SIZE, 3, IMAGE_SIZE, IMAGE_SIZE, generator=gen))
        factor = 1.0 / y.std().item()
        head.weight.mul_(factor)
        if head.bias is not None:
            head.bias.mul_(factor)
    return len(norms)


def check_meaningful(name, y):
    """Refuses references that a loose or broken implementation could match by accident."""
    import torch
    if not torch.isfinite(y).all():
        raise SystemExit(f"{name}: logits are not finite")
    spread = y.std(dim=1).min().item()
    scale = y.abs().max().item()
    if not 0.1 <= spread <= 10:
        raise SystemExit(f"{name}: logits' spread across classes is {spread:.3g}, expected 0.1..10")
    if y.shape[0] > 1:
        between = (y[1:] - y[0]).abs().max().item()
        if between < 100 * TOLERANCE * max(1.0, scale):
            raise SystemExit(f"{name}: logits barely depend on the image (max difference {between:.3g})")
    return spread, scale


def torch_forward_ms(model, repeats=10):
    """Best of a few batch-1 forward times, on as many threads as graft's default pool."""
    import torch
    x = torch.randn(1, 3, IMAGE_SIZE, IMAGE_SIZE)
    with torch.no_grad():
        model(x)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1e3)
    return min(times)


def save_tensor(path, array):
    import numpy as np
    from onnx import numpy_helper
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.ascontiguousarray(array)).SerializeToString())


def export(name, out, seed):
    import onnx
    import torch
    import torchvision

    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    kwargs = {"aux_logits": False, "init_weights": True} if name == "googlenet" else {}
    model = getattr(torchvision.models, name)(weights=None, **kwargs)
    norms = calibrate_batchnorm(model, gen)

    tmp = os.path.join(out, name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    path = os.path.join(tmp, "model.onnx")
    example = torch.randn(1, 3, IMAGE_SIZE, IMAGE_SIZE, generator=gen)
    with warnings.catch_warnings():
        # the advice against constant folding concerns models exported in training mode; this one is in eval
        warnings.filterwarnings("ignore", message="It is recommended that constant folding be turned off")
        torch.onnx.export(model, example, path, opset_version=OPSET, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          training=torch.onnx.TrainingMode.PRESERVE)
    graph = onnx.load(path)
    onnx.checker.check_model(graph)
    batch_dim = graph.graph.input[0].type.tensor_type.shape.dim[0]
    if batch_dim.dim_param != "batch":
        raise SystemExit(f"{name}: the exported input's batch dimension is not symbolic: {batch_dim}")
    kept = sum(1 for n in graph.graph.node if n.op_type == "BatchNormalization")
    if kept != norms:
        raise SystemExit(f"{name}: {norms} BatchNorm layers but {kept} BatchNormalization nodes in the export")

    scale = 0.0
    with torch.no_grad():
        for i, batch in enumerate(BATCHES):
            x = torch.randn(batch, 3, IMAGE_SIZE, IMAGE_SIZE, generator=gen)
            y = model(x)
            spread, s = check_meaningful(name, y)
            scale = max(scale, s)
            data = os.path.join(tmp, f"test_data_set_{i}")
            os.makedirs(data)
            save_tensor(os.path.join(data, "input_0.pb"), x.numpy())
            save_tensor(os.path.join(data, "output_0.pb"), y.numpy())
    ms = torch_forward_ms(model)
    info = {"model_name": name, "rtol": 0.0, "atol": TOLERANCE * max(1.0, scale), "image_size": IMAGE_SIZE,
            "batches": list(BATCHES), "opset": OPSET, "batchnorm_nodes": kept,
            "torch_ms_batch1": round(ms, 2), "torch_threads": torch.get_num_threads()}
    with open(os.path.join(tmp, "data.json"), "w") as f:
        json.dump(info, f, indent=1)
    final = os.path.join(out, name)
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp, final)
    params = sum(p.numel() for p in model.parameters())
    print(f"{name:20s} {params / 1e6:6.1f} M params, {kept:3d} BatchNorm nodes, logits max |y| {scale:6.3f}, "
          f"spread {spread:6.3f}; PyTorch batch-1 forward {ms:7.1f} ms on {torch.get_num_threads()} threads",
          flush=True)


def main():
    parser = argparse.ArgumentParser(description="Export torchvision models as ONNX test cases (see the docstring).")
    parser.add_argument("models", nargs="*", help="torchvision model names (default: the CI set)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: build/torchvision in the repository)")
    parser.add_argument("--force", action="store_true", help="regenerate even if OUT/STAMP says the files are current")
    args = parser.parse_args()
    models = args.models or CI_MODELS
    out = os.path.abspath(args.out)
    stamp = stamp_for(models)
    if not args.force and up_to_date(out, stamp):
        print(f"export_torchvision: {len(models)} models in {out} are up to date")
        return
    import torch
    # PyTorch's timing uses as many threads as graft's pool (the number of processors), not its default
    torch.set_num_threads(os.cpu_count() or 1)
    os.makedirs(out, exist_ok=True)
    stamp_path = os.path.join(out, "STAMP")
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    for entry in os.listdir(out):  # what an interrupted run left half written
        if entry.endswith(".tmp"):
            shutil.rmtree(os.path.join(out, entry), ignore_errors=True)
    start = time.perf_counter()
    for name in models:
        export(name, out, seed=zlib.crc32(name.encode()))  # per name, so a subset gives the same files
    with open(stamp_path, "w") as f:
        json.dump(stamp, f, indent=1)
    print(f"export_torchvision: wrote {len(models)} models to {out} in {time.perf_counter() - start:.0f} s "
          f"(timings are noisy on a shared machine)")


if __name__ == "__main__":
    sys.exit(main())
