#!/usr/bin/env python3
"""Exports the small models and golden data the onnx-import unit tests use.

Reference implementation: PyTorch (Debian's python3-torch) for models, outputs, gradients and
BatchNorm running statistics; onnx (python3-onnx) to serialize tensors. Run from the repository
root:  python3 scripts/onnx/make_test_models.py
Writes onnx-import/src/test/resources/dev/graft/onnx/.
"""
import os

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn

OUT = os.path.join("onnx-import", "src", "test", "resources", "dev", "graft", "onnx")


class SmallCnn(nn.Module):
    """Conv, BatchNorm, ReLU, MaxPool, a dynamic flatten (Shape/Gather/Concat/Reshape) and a Linear head."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        h = self.pool(torch.relu(self.bn(self.conv(x))))
        return self.fc(h.reshape(h.shape[0], -1))


def save(name, array):
    t = numpy_helper.from_array(np.ascontiguousarray(array), name)
    with open(os.path.join(OUT, name + ".pb"), "wb") as f:
        f.write(t.SerializeToString())


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    model = SmallCnn()
    with torch.no_grad():
        # non-trivial running statistics, so eval and train modes differ visibly
        model.bn.running_mean.uniform_(-0.5, 0.5)
        model.bn.running_var.uniform_(0.5, 1.5)
        model.bn.weight.uniform_(0.5, 1.5)
        model.bn.bias.uniform_(-0.2, 0.2)
    model.eval()
    x2 = torch.randn(2, 3, 8, 8)
    x3 = torch.randn(3, 3, 8, 8)
    torch.onnx.export(model, x2, os.path.join(OUT, "small_cnn.onnx"), opset_version=13,
                      input_names=["images"], output_names=["logits"],
                      dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    save("x2", x2.numpy())
    save("x3", x3.numpy())
    with torch.no_grad():
        save("eval_logits2", model(x2).numpy())
        save("eval_logits3", model(x3).numpy())
        save("eval_relu2", torch.relu(model.bn(model.conv(x2))).numpy())

    # gradients of sum(logits) in eval mode
    model.zero_grad()
    model(x2).sum().backward()
    save("grad_conv_weight", model.conv.weight.grad.numpy())
    save("grad_fc_weight", model.fc.weight.grad.numpy())
    save("grad_bn_weight", model.bn.weight.grad.numpy())

    # one training-mode forward: batch statistics and the running-statistics update
    model.train()
    with torch.no_grad():
        save("train_logits2", model(x2).numpy())
    save("train_running_mean", model.bn.running_mean.numpy())
    save("train_running_var", model.bn.running_var.numpy())


def typed_tensors():
    """Every element type written twice by onnx's own helpers: in its typed field and as raw_data."""
    from onnx import helper, TensorProto
    rng = np.random.default_rng(0)
    cases = {
        "float": (TensorProto.FLOAT, rng.standard_normal(6).astype(np.float32)),
        "double": (TensorProto.DOUBLE, rng.standard_normal(6)),
        "float16": (TensorProto.FLOAT16, rng.standard_normal(6).astype(np.float16)),
        "int64": (TensorProto.INT64, rng.integers(-2**40, 2**40, 6)),
        "int32": (TensorProto.INT32, rng.integers(-2**31, 2**31 - 1, 6).astype(np.int32)),
        "int8": (TensorProto.INT8, rng.integers(-128, 127, 6).astype(np.int8)),
        "uint8": (TensorProto.UINT8, rng.integers(0, 255, 6).astype(np.uint8)),
        "bool": (TensorProto.BOOL, rng.integers(0, 2, 6).astype(bool)),
    }
    for name, (dtype, values) in cases.items():
        values = values.reshape(2, 3)
        # for float16, make_tensor stores the bit patterns in int32_data itself
        typed = helper.make_tensor(name, dtype, [2, 3], values.flatten().tolist())
        with open(os.path.join(OUT, "typed_" + name + ".pb"), "wb") as f:
            f.write(typed.SerializeToString())
        with open(os.path.join(OUT, "raw_" + name + ".pb"), "wb") as f:
            f.write(numpy_helper.from_array(values, name).SerializeToString())


if __name__ == "__main__":
    main()
    typed_tensors()
