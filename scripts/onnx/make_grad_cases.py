#!/usr/bin/env python3
"""Gradient golden data for composed ONNX operators, with PyTorch as the reference.

For each small module: export it to ONNX, then record, for loss = sum(output * r) with a fixed
random r, PyTorch's output and gradients with respect to the input and to every parameter whose
name survives export as an ONNX initializer name. GradientTest replays the same loss in graft.
Run from the repository root:  python3 scripts/onnx/make_grad_cases.py
Writes onnx-import/src/test/resources/dev/graft/onnx/grad/<case>/.
"""
import os

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join("onnx-import", "src", "test", "resources", "dev", "graft", "onnx", "grad")


class Fn(nn.Module):
    """Wraps a function of the input (and optionally owns parameters)."""

    def __init__(self, fn, **params):
        super().__init__()
        self.fn = fn
        for k, v in params.items():
            setattr(self, k, nn.Parameter(v))

    def forward(self, x):
        return self.fn(self, x)


def cases():
    # module initialisers draw from the global generator: seed it so the golden data is reproducible
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)

    def randn(*s):
        return torch.randn(*s, generator=g)

    return {
        "conv_transpose2d": (nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1, groups=1), randn(2, 4, 5, 5)),
        "conv_transpose2d_groups": (nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), groups=2, dilation=(1, 2)),
                                    randn(1, 4, 4, 5)),
        "conv1d_dilated": (nn.Conv1d(3, 4, 3, stride=2, padding=2, dilation=2), randn(2, 3, 11)),
        "conv3d": (nn.Conv3d(2, 3, (2, 3, 3), stride=(1, 2, 1), padding=(1, 1, 0)), randn(1, 2, 4, 6, 5)),
        "avgpool_ceil_exclude_pad": (nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                                     randn(2, 3, 8, 7)),
        "maxpool_dilated": (nn.MaxPool2d(3, stride=2, padding=1, dilation=2), randn(1, 2, 9, 9)),
        "maxpool3d": (nn.MaxPool3d(2, stride=2), randn(1, 2, 4, 4, 6)),
        "upsample_bilinear": (nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False), randn(1, 2, 3, 4)),
        "upsample_bicubic_align": (nn.Upsample(size=(7, 5), mode="bicubic", align_corners=True), randn(1, 2, 3, 4)),
        "upsample_nearest": (nn.Upsample(scale_factor=3, mode="nearest"), randn(1, 2, 2, 3)),
        "layer_norm": (nn.LayerNorm([5, 6]), randn(3, 4, 5, 6)),
        "instance_norm": (nn.InstanceNorm2d(3, affine=True), randn(2, 3, 4, 5)),
        "prelu": (nn.PReLU(3), randn(2, 3, 4)),
        "lstm_bidirectional": (nn.LSTM(4, 5, batch_first=True, bidirectional=True), randn(2, 6, 4)),
        "gru": (nn.GRU(4, 3), randn(5, 2, 4)),
        "einsum_attention": (Fn(lambda m, x: torch.einsum("bij,bkj->bik", x, x * m.w), w=randn(1, 1, 6)), randn(2, 4, 6)),
        "einsum_ellipsis_broadcast": (Fn(lambda m, x: torch.einsum("...ij,...jk->...ik", x, m.w), w=randn(1, 4, 5)),
                                      randn(2, 3, 3, 4)),
        "einsum_diagonal": (Fn(lambda m, x: torch.einsum("bii->bi", x) * m.s, s=randn(1, 3)), randn(2, 3, 3)),
        "cumsum_reverse": (Fn(lambda m, x: torch.flip(torch.cumsum(torch.flip(x, [1]), 1), [1])), randn(3, 5)),
        "softmax_cross_entropy": (Fn(lambda m, x: F.cross_entropy(x, torch.tensor([1, 0, 3]), reduction="none")),
                                  randn(3, 4)),
        "pixel_shuffle": (nn.PixelShuffle(2), randn(1, 8, 3, 3)),
        "gather_scatter": (Fn(lambda m, x: x.clone().index_put_((torch.tensor([0, 2]),), x[[1, 1]] * 2)[:, [2, 0]]),
                           randn(3, 4)),
        "reduce_prod_l2": (Fn(lambda m, x: torch.prod(x, 1) + torch.linalg.vector_norm(x, dim=0).sum()), randn(3, 4)),
        "topk": (Fn(lambda m, x: torch.topk(x, 2, dim=1).values), randn(3, 5)),
        "grid_sample_reflection": (Fn(lambda m, x: F.grid_sample(x, m.grid, mode="bilinear", padding_mode="reflection",
                                                                 align_corners=False), grid=randn(2, 3, 4, 2) * 1.3),
                                   randn(2, 3, 5, 6)),
        "grid_sample_zeros_aligned": (Fn(lambda m, x: F.grid_sample(x, m.grid, mode="bilinear", padding_mode="zeros",
                                                                    align_corners=True), grid=randn(1, 4, 3, 2) * 1.3),
                                      randn(1, 2, 4, 4)),
    }


def save(path, array):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.ascontiguousarray(array)).SerializeToString())


def main():
    for name, (module, x) in cases().items():
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        module.eval()
        torch.onnx.export(module, x, os.path.join(folder, "model.onnx"), opset_version=17,
                          input_names=["x"], do_constant_folding=False)
        xg = x.clone().requires_grad_(True)
        out = module(xg)
        y = out[0] if isinstance(out, tuple) else out
        r = torch.randn(y.shape, generator=torch.Generator().manual_seed(1))
        (y * r).sum().backward()
        save(os.path.join(folder, "x.pb"), x.numpy())
        save(os.path.join(folder, "r.pb"), r.numpy())
        save(os.path.join(folder, "y.pb"), y.detach().numpy())
        save(os.path.join(folder, "dx.pb"), xg.grad.numpy())
        inits = {t.name for t in onnx.load(os.path.join(folder, "model.onnx")).graph.initializer}
        for pname, p in module.named_parameters():
            if pname in inits and p.grad is not None:
                save(os.path.join(folder, "grad." + pname + ".pb"), p.grad.numpy())
    with open(os.path.join(OUT, "cases.txt"), "w") as f:
        f.write("\n".join(sorted(cases())) + "\n")


if __name__ == "__main__":
    main()
