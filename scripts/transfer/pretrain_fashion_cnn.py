#!/usr/bin/python3
"""Pretrains the small CNN that `graft demo` imports, and cuts the Fashion-MNIST sample it ships.

Run with Debian's Python, python3-torch and python3-onnx, from the repository root, after
`apt-get install -y dataset-fashion-mnist`:

    /usr/bin/python3 scripts/transfer/pretrain_fashion_cnn.py

The demo's story is transfer learning: a network that has only ever seen Fashion-MNIST classes
0-4 (T-shirt/top, trouser, pullover, dress, coat) is frozen, given a new head, and fine-tuned on
a handful of labels from classes 5-9 (sandal, shirt, sneaker, bag, ankle boot). So the network is
trained on the TRAINING split restricted to classes 0-4, and nothing of classes 5-9 is seen.

Outputs, under transfer/src/main/resources/dev/graft/transfer/:

  fashion-cnn-0to4.onnx
      Opset 13. Input `image`, float32 [N,1,28,28] (N dynamic), pixels scaled to [0,1] then
      normalised as (x - mean) / std with the mean/std in the sidecar. Output `logits`, float32
      [N,5]. The tensor feeding the final Gemm (the classifier) is renamed to `features`,
      float32 [N,576], so importers can cut the head off by name. BatchNormalization nodes are kept
      (exported in inference mode without Conv+BN folding) so the model exercises frozen BN.
  fashion-cnn-0to4.properties
      java.util.Properties sidecar: normalisation, class names, test accuracy on classes 0-4 of
      the test split, feature tensor name, training settings, and the PyTorch logits of the
      first few images of the shipped test sample (a cross-check for the ONNX import).
  fashion-sample-5to9-{train,test}-{images-idx3,labels-idx1}-ubyte.gz
      Gzipped IDX files: 200 training images per class of classes 5-9 drawn from the training
      split, and 100 test images per class drawn from the test split, chosen with a seeded
      permutation and kept in their original split order. Labels are remapped to 0-4:
      0 = sandal (5), 1 = shirt (6), 2 = sneaker (7), 3 = bag (8), 4 = ankle boot (9).
      Gzip headers carry no file name and mtime 0, so reruns write identical bytes.

Fashion-MNIST is (c) Zalando SE, MIT licence (Debian: License Expat), which permits shipping
this subset inside the jar.

Reproducibility: everything is seeded and torch runs deterministic algorithms on a fixed number
of threads; bit-identical weights still need the same PyTorch build (Debian's 1.13).
"""
import gzip
import io
import os
import struct
import time

import numpy as np
import onnx
import torch
import torch.nn as nn

DATA = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join("transfer", "src", "main", "resources", "dev", "graft", "transfer")
MODEL = "fashion-cnn-0to4.onnx"
SIDECAR = "fashion-cnn-0to4.properties"

SEED = 20261123
THREADS = 2
EPOCHS = 6
BATCH = 128
LR = 2e-3
PRETRAIN_CLASSES = [0, 1, 2, 3, 4]
SAMPLE_CLASSES = [5, 6, 7, 8, 9]
SAMPLE_TRAIN_PER_CLASS = 200
SAMPLE_TEST_PER_CLASS = 100
REFERENCE_IMAGES = 4
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
FEATURES = "features"


def read_idx(path):
    """Reads a gzipped IDX file of unsigned bytes into a numpy array, checking its header."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {body.size} bytes of data for dims {dims}")
    return body.reshape(dims)


def idx_bytes(array):
    """Encodes a uint8 array as an IDX file (magic 0x0000 0x08 ndim, big-endian dims)."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_gz(path, payload):
    """Gzips with an empty file name and mtime 0 so identical payloads give identical files."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
        g.write(payload)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


class FashionCnn(nn.Module):
    """Three conv blocks, a 3x3 average pooling grid and one linear classifier (about 26k weights).

    The classifier sees a coarse 3x3 grid of 64 channels (576 features) rather than one global
    average: pooled features keep where in the image a pattern fires, which is what lets a
    network that has only seen tops and dresses tell a sandal from an ankle boot. With global
    pooling the transferred features lost to training from scratch at 10 labels per class.
    The pooling is a plain AveragePool (kernel 3, stride 2 on the 7x7 map: the same windows as
    adaptive pooling to 3x3) so the export needs no adaptive-pooling support.
    """

    def __init__(self, classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AvgPool2d(3, stride=2), nn.Flatten())
        self.classifier = nn.Linear(64 * 3 * 3, classes)

    def forward(self, x):
        return self.classifier(self.features(x))


def subset(images, labels, classes):
    keep = np.isin(labels, classes)
    return images[keep], labels[keep]


def to_input(images, mean, std):
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - mean) / std


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
                      for i in range(0, len(x), 1000))
    return correct / len(x)


def sample(images, labels, per_class, rng):
    """Picks `per_class` images of each sample class at random, keeps split order, remaps labels."""
    picked = []
    for c in SAMPLE_CLASSES:
        where = np.flatnonzero(labels == c)
        picked.append(rng.permutation(where)[:per_class])
    order = np.sort(np.concatenate(picked))
    return images[order], (labels[order] - SAMPLE_CLASSES[0]).astype(np.uint8)


def rename_tensor(model, old, new):
    """Renames one intermediate tensor everywhere it is produced or consumed."""
    found = False
    for node in model.graph.node:
        for i, name in enumerate(node.output):
            if name == old:
                node.output[i] = new
                found = True
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new
    if not found:
        raise ValueError(f"no node produces tensor {old!r}")


def export(model, path):
    model.eval()
    # PRESERVE on an eval-mode model keeps BatchNormalization as its own inference-mode node;
    # EVAL would fold it into the preceding Conv. Constant folding stays off for the same reason.
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "N"}, "logits": {0: "N"}},
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    m = onnx.load(path)
    gemms = [n for n in m.graph.node if n.op_type == "Gemm"]
    if len(gemms) != 1:
        raise ValueError(f"expected exactly one Gemm (the classifier), found {len(gemms)}")
    rename_tensor(m, gemms[0].input[0], FEATURES)
    m.doc_string = "graft demo backbone: Fashion-MNIST classes 0-4, see fashion-cnn-0to4.properties"
    onnx.checker.check_model(m)
    inferred = onnx.shape_inference.infer_shapes(m)
    onnx.checker.check_model(inferred)
    onnx.save(m, path)
    return m


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    rng = np.random.default_rng(SEED)

    train_x = read_idx(os.path.join(DATA, "train-images-idx3-ubyte.gz"))
    train_y = read_idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz"))
    test_x = read_idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz"))
    test_y = read_idx(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz"))

    pre_x, pre_y = subset(train_x, train_y, PRETRAIN_CLASSES)
    pre_test_x, pre_test_y = subset(test_x, test_y, PRETRAIN_CLASSES)
    # Statistics of the pretraining pixels, rounded so the sidecar states them exactly.
    scaled = pre_x.astype(np.float64) / 255.0
    mean = round(float(scaled.mean()), 4)
    std = round(float(scaled.std()), 4)

    x = to_input(pre_x, mean, std)
    y = torch.from_numpy(pre_y.astype(np.int64))
    xt = to_input(pre_test_x, mean, std)
    yt = torch.from_numpy(pre_test_y.astype(np.int64))

    model = FashionCnn(len(PRETRAIN_CLASSES))
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps = EPOCHS * ((len(x) + BATCH - 1) // BATCH)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=LR, total_steps=steps)
    loss_fn = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(SEED)
    start = time.time()
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(x), generator=shuffle)
        total = 0.0
        for i in range(0, len(x), BATCH):
            idx = perm[i:i + BATCH]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {total / len(x):.4f}, "
              f"test accuracy {accuracy(model, xt, yt):.4f} ({time.time() - start:.0f} s)")
    train_acc = accuracy(model, x, y)
    test_acc = accuracy(model, xt, yt)

    os.makedirs(OUT, exist_ok=True)
    model_path = os.path.join(OUT, MODEL)
    export(model, model_path)

    s_train_x, s_train_y = sample(train_x, train_y, SAMPLE_TRAIN_PER_CLASS, rng)
    s_test_x, s_test_y = sample(test_x, test_y, SAMPLE_TEST_PER_CLASS, rng)
    for split, images, labels in (("train", s_train_x, s_train_y), ("test", s_test_x, s_test_y)):
        write_gz(os.path.join(OUT, f"fashion-sample-5to9-{split}-images-idx3-ubyte.gz"), idx_bytes(images))
        write_gz(os.path.join(OUT, f"fashion-sample-5to9-{split}-labels-idx1-ubyte.gz"), idx_bytes(labels))

    model.eval()
    with torch.no_grad():
        ref_in = to_input(s_test_x[:REFERENCE_IMAGES], mean, std)
        ref_logits = model(ref_in)

    def floats(t):
        return " ".join(f"{v:.9g}" for v in t.flatten().tolist())

    lines = [
        "# Written by scripts/transfer/pretrain_fashion_cnn.py; do not edit by hand.",
        f"model={MODEL}",
        "input.name=image",
        "input.shape=N,1,28,28",
        "input.scale=1/255",
        f"input.mean={mean}",
        f"input.std={std}",
        "output.name=logits",
        f"output.classes={len(PRETRAIN_CLASSES)}",
        f"features.name={FEATURES}",
        "features.size=576",
        "classes.pretrain=" + ",".join(CLASS_NAMES[c] for c in PRETRAIN_CLASSES),
        "classes.sample=" + ",".join(CLASS_NAMES[c] for c in SAMPLE_CLASSES),
        "sample.labels=0..4 are Fashion-MNIST classes 5..9",
        f"sample.train.perClass={SAMPLE_TRAIN_PER_CLASS}",
        f"sample.test.perClass={SAMPLE_TEST_PER_CLASS}",
        f"accuracy.test.classes0to4={test_acc:.4f}",
        f"accuracy.test.count={len(xt)}",
        f"accuracy.train.classes0to4={train_acc:.4f}",
        f"train.seed={SEED}",
        f"train.epochs={EPOCHS}",
        f"train.batch={BATCH}",
        f"train.optimizer=Adam, OneCycleLR max lr {LR}",
        f"train.torch={torch.__version__}",
        "onnx.opset=13",
        "onnx.batchnorm=kept (not folded into Conv)",
        f"reference.count={REFERENCE_IMAGES}",
        "reference.images=first images of fashion-sample-5to9-test",
    ]
    for i in range(REFERENCE_IMAGES):
        lines.append(f"reference.{i}.logits={floats(ref_logits[i])}")
    with open(os.path.join(OUT, SIDECAR), "w") as f:
        f.write("\n".join(lines) + "\n")

    params = sum(p.numel() for p in model.parameters())
    print(f"parameters {params}, model {os.path.getsize(model_path)} bytes, "
          f"test accuracy on classes 0-4 {test_acc:.4f}, train {train_acc:.4f}")
    for name in sorted(os.listdir(OUT)):
        print(f"  {name}: {os.path.getsize(os.path.join(OUT, name))} bytes")


if __name__ == "__main__":
    main()
