#!/usr/bin/env python3
"""Exports torchvision models as ONNX backend test cases, with PyTorch as the reference.

Each model gets a folder OUT/<name>/ holding model.onnx, test_data_set_0/input_0.pb (a random
image batch) and output_0.pb (PyTorch's eval-mode output), the layout `graft onnx-test` reads:

    python3 scripts/onnx/export_torchvision.py /tmp/torchvision-cases [model ...]
    graft onnx-test /tmp/torchvision-cases      # or: java ... dev.graft.onnx.conformance.OnnxTestRunner DIR

Weights are random (seeded) because no pretrained weights can be downloaded here; the check is
that graft computes what PyTorch computes for the same graph and weights. Needs Debian's
python3-torch, python3-torchvision and python3-onnx. Too heavy for CI: run by hand.
"""
import json
import os
import sys

import numpy as np
from onnx import numpy_helper
import torch
import torchvision

DEFAULT = ["resnet18", "mobilenet_v2", "mobilenet_v3_small", "squeezenet1_1", "efficientnet_b0",
           "densenet121", "shufflenet_v2_x1_0", "regnet_y_400mf", "vgg11_bn", "googlenet", "convnext_tiny",
           "swin_t", "mnasnet0_5", "resnext50_32x4d"]


def export(name, out):
    torch.manual_seed(0)
    kwargs = {"aux_logits": False, "init_weights": True} if name == "googlenet" else {}
    model = getattr(torchvision.models, name)(weights=None, **kwargs).eval()
    with torch.no_grad():
        # random, non-trivial BatchNorm statistics so eval mode is really tested
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    x = torch.randn(2, 3, 224, 224)
    folder = os.path.join(out, name)
    data = os.path.join(folder, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    torch.onnx.export(model, x, os.path.join(folder, "model.onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with torch.no_grad():
        y = model(x)
    for fname, arr in (("input_0.pb", x.numpy()), ("output_0.pb", y.numpy())):
        with open(os.path.join(data, fname), "wb") as f:
            f.write(numpy_helper.from_array(np.ascontiguousarray(arr)).SerializeToString())
    with open(os.path.join(folder, "data.json"), "w") as f:
        json.dump({"rtol": 1e-3, "atol": 1e-4, "model_name": name}, f)
    print("exported", name)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: export_torchvision.py OUT_DIR [model ...]")
    for name in sys.argv[2:] or DEFAULT:
        export(name, sys.argv[1])


if __name__ == "__main__":
    main()
