#!/usr/bin/python3
"""Writes the ONNX models of benchmarks/compare into the folder given as the only argument.

resnet18.onnx: torchvision's ResNet-18 with random weights from a fixed seed (nothing can be
downloaded here, and speed does not depend on the weights), exported in eval mode with a dynamic
batch dimension; the exporter folds each BatchNorm into its convolution, as deployed models have
it. sgemm_<MxNxK>.onnx: one MatMul of two graph inputs. conv_<name>.onnx: one Conv of a graph input
by a weight initializer (as in a deployed model). Run with Debian's python3-torch and python3-onnx.
"""
import os
import sys

import numpy as np
import onnx
import torch
import torchvision
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

OPSET = 13


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="graft benchmarks/reference/make_models.py")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path)


def sgemm_model(name, path):
    m, n, k = cases.gemm(name)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "b"], ["c"])], "sgemm",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k]),
         helper.make_tensor_value_info("b", TensorProto.FLOAT, [k, n])],
        [helper.make_tensor_value_info("c", TensorProto.FLOAT, [m, n])])
    save(graph, path)


def conv_model(name, path, rng):
    c = cases.conv(name)
    out = (c["h"] + 2 * c["p"] - c["k"]) // c["s"] + 1
    weight = rng.standard_normal((c["o"], c["c"] // c["g"], c["k"], c["k"])).astype(np.float32)
    node = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[c["k"], c["k"]],
                            strides=[c["s"], c["s"]], pads=[c["p"]] * 4, group=c["g"])
    graph = helper.make_graph(
        [node], "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [c["n"], c["c"], c["h"], c["h"]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [c["n"], c["o"], out, out])],
        [numpy_helper.from_array(weight, "w")])
    save(graph, path)


def resnet18(path):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    example = torch.randn(1, 3, 224, 224)
    torch.onnx.export(model, example, path, opset_version=OPSET, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      do_constant_folding=True)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    for name in cases.SGEMM.values():
        sgemm_model(name, os.path.join(out, f"sgemm_{name}.onnx"))
    for name in cases.CONV.values():
        conv_model(name, os.path.join(out, f"conv_{name}.onnx"), rng)
    path = os.path.join(out, "resnet18.onnx")
    if not os.path.exists(path):
        resnet18(path)


if __name__ == "__main__":
    main()
