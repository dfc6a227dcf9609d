"""The workloads of benchmarks/compare, shared by every side of the comparison.

Names follow dev.graft.benchmarks.Workload: a matrix product is "MxNxK" (C[M,N] = A[M,K] B[K,N]);
a convolution is "n<N>c<C>h<H>o<O>k<K>s<S>p<P>g<G>" (batch, input channels, square image side,
output channels, square kernel side, stride, padding, groups).
"""
import re

# label -> MxNxK. ResNet-18's convolutions as the GEMMs im2col makes of them (M = output channels,
# N = output pixels of one 224x224 image, K = input channels x kernel taps), its classifier at batch
# 8; MiniLM-L6 (hidden 384, 12 heads of 32, FFN 1536) on one 128-token sequence.
SGEMM = {
    "square 128": "128x128x128",
    "square 256": "256x256x256",
    "square 512": "512x512x512",
    "square 1024": "1024x1024x1024",
    "square 2048": "2048x2048x2048",
    "resnet18 conv1 7x7/2": "64x12544x147",
    "resnet18 layer1 3x3": "64x3136x576",
    "resnet18 layer2 3x3": "128x784x1152",
    "resnet18 layer3 3x3": "256x196x2304",
    "resnet18 layer4 3x3": "512x49x4608",
    "resnet18 fc, batch 8": "8x1000x512",
    "minilm q/k/v proj": "128x384x384",
    "minilm ffn up": "128x1536x384",
    "minilm ffn down": "128x384x1536",
    "minilm scores (1 head)": "128x128x32",
}

CONV = {
    "3x3 64->64 56x56 b1": "n1c64h56o64k3s1p1g1",
    "3x3 64->64 56x56 b8": "n8c64h56o64k3s1p1g1",
    "1x1 64->256 56x56 b8": "n8c64h56o256k1s1p0g1",
    "depthwise 3x3 64ch 56x56 b8": "n8c64h56o64k3s1p1g64",
    "3x3/2 64->128 56x56 b8": "n8c64h56o128k3s2p1g1",
}

CONV_PASSES = ["forward", "inputGrad", "weightGrad"]

RESNET_BATCHES = [1, 8]

_CONV = re.compile(r"n(\d+)c(\d+)h(\d+)o(\d+)k(\d+)s(\d+)p(\d+)g(\d+)")


def gemm(name):
    """Returns (m, n, k) of "MxNxK"."""
    m, n, k = (int(v) for v in name.split("x"))
    return m, n, k


def conv(name):
    """Returns dict(n, c, h, o, k, s, p, g) of a convolution name."""
    match = _CONV.fullmatch(name)
    if not match:
        raise ValueError(f"convolution name {name!r} is not n<N>c<C>h<H>o<O>k<K>s<S>p<P>g<G>")
    return dict(zip("n c h o k s p g".split(), (int(v) for v in match.groups())))


def gemm_flops(name):
    m, n, k = gemm(name)
    return 2.0 * m * n * k


def conv_flops(name):
    """Multiply-adds x 2 of one pass (each pass of a convolution costs the same)."""
    c = conv(name)
    out = (c["h"] + 2 * c["p"] - c["k"]) // c["s"] + 1
    return 2.0 * c["n"] * c["o"] * out * out * (c["c"] // c["g"]) * c["k"] * c["k"]
