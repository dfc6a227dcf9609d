#!/usr/bin/python3
"""Writes the PyTorch parity data for graft's losses, optimizers and training loop.

Run with Debian's Python and python3-torch, from the repository root (CI does not run it; its
outputs are committed):

    /usr/bin/python3 scripts/parity/make_nn_parity.py

Every output is a safetensors file written by the small hand-written writer below (struct + json,
following the format: 8-byte little-endian header length, JSON header, raw little-endian data),
so the Java tests also check that graft reads files it did not write itself.

Outputs, in nn/src/test/resources/parity/:
  losses.safetensors       one group of tensors per loss case: <case>.input, <case>.target,
                           optional <case>.weight / <case>.pos_weight, the loss <case>.out and the
                           gradient of out.sum() with respect to the input, <case>.grad. The
                           metadata maps each case name to a JSON object of its settings.
  optimizers.safetensors   single-tensor updates: <case>.init, grads (one row per step) and
                           <case>.trajectory (the parameter after each step), settings in metadata.
  schedulers.safetensors   <case>.lr and <case>.momentum: the learning rate and momentum (Adam:
                           beta1) of each group (columns) before each step (rows); metric
                           sequences for ReduceLROnPlateau; settings in metadata.
  <model>_<optim>.safetensors
                           a training run: init.<name> (initial state dict), batch<k>.x and
                           batch<k>.y (step s uses batch s % BATCHES), loss (the loss before each
                           of the STEPS updates) and final.<name> (the state dict after training,
                           including BatchNorm running statistics). The metadata holds the model,
                           optimizer and loss settings.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join("nn", "src", "test", "resources", "parity")
STEPS = 20
BATCHES = 4


def write_safetensors(path, tensors, metadata):
    """Writes {name: tensor} (float32 or int64) and a {str: str} metadata map as safetensors."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype == torch.float32:
            dtype, raw = "F32", t.numpy().astype("<f4").tobytes()
        elif t.dtype == torch.int64:
            dtype, raw = "I64", t.numpy().astype("<i8").tobytes()
        else:
            raise ValueError(f"{name}: unsupported dtype {t.dtype}")
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the format pads the header with spaces to an 8-byte boundary
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(b"".join(blobs))
    print(f"wrote {path} ({8 + len(text) + offset} bytes)")


# ------------------------------------------------------------------------------------------ losses

def loss_cases():
    g = torch.Generator().manual_seed(1234)
    tensors, meta = {}, {}

    def case(name, settings, inp, target, fn, **extra):
        inp = inp.clone().requires_grad_(True)
        out = fn(inp, target)
        out.sum().backward()
        tensors[f"{name}.input"] = inp.detach()
        tensors[f"{name}.target"] = target
        for k, v in extra.items():
            if v is not None:
                tensors[f"{name}.{k}"] = v
        tensors[f"{name}.out"] = out.detach().reshape(out.shape)
        tensors[f"{name}.grad"] = inp.grad
        meta[name] = json.dumps(settings)

    logits = torch.randn(6, 5, generator=g)
    target = torch.randint(0, 5, (6,), generator=g)
    ignored = target.clone()
    ignored[2] = -100
    weight = torch.rand(5, generator=g) + 0.5
    for red in ("mean", "sum", "none"):
        case(f"ce_plain_{red}", {"loss": "cross_entropy", "reduction": red}, logits, target,
             lambda x, t, red=red: F.cross_entropy(x, t, reduction=red))
        case(f"ce_full_{red}", {"loss": "cross_entropy", "reduction": red, "label_smoothing": 0.2,
                                "ignore_index": -100},
             logits, ignored, lambda x, t, red=red: F.cross_entropy(x, t, weight=weight, reduction=red,
                                                                    label_smoothing=0.2),
             weight=weight)
    case("ce_smooth_noweight_mean", {"loss": "cross_entropy", "reduction": "mean", "label_smoothing": 0.3,
                                     "ignore_index": -100},
         logits, ignored, lambda x, t: F.cross_entropy(x, t, label_smoothing=0.3))
    custom = target.clone()
    custom[0] = 3
    custom[4] = 3
    case("ce_ignore3_mean", {"loss": "cross_entropy", "reduction": "mean", "ignore_index": 3},
         logits, custom, lambda x, t: F.cross_entropy(x, t, weight=weight, ignore_index=3), weight=weight)

    k_logits = torch.randn(2, 3, 2, 2, generator=g)
    k_target = torch.randint(0, 3, (2, 2, 2), generator=g)
    k_target[1, 0, 1] = -100
    k_weight = torch.rand(3, generator=g) + 0.5
    case("ce_kdim_mean", {"loss": "cross_entropy", "reduction": "mean", "label_smoothing": 0.1,
                          "ignore_index": -100},
         k_logits, k_target, lambda x, t: F.cross_entropy(x, t, weight=k_weight, label_smoothing=0.1),
         weight=k_weight)
    case("ce_kdim_none", {"loss": "cross_entropy", "reduction": "none", "label_smoothing": 0.1,
                          "ignore_index": -100},
         k_logits, k_target, lambda x, t: F.cross_entropy(x, t, weight=k_weight, reduction="none",
                                                          label_smoothing=0.1),
         weight=k_weight)

    logp = torch.log_softmax(torch.randn(6, 5, generator=g), 1)
    for red in ("mean", "sum", "none"):
        case(f"nll_{red}", {"loss": "nll", "reduction": red, "ignore_index": -100}, logp, ignored,
             lambda x, t, red=red: F.nll_loss(x, t, weight=weight, reduction=red), weight=weight)

    b_logits = torch.randn(4, 3, generator=g) * 3
    b_target = torch.rand(4, 3, generator=g)
    b_target[0] = torch.tensor([0.0, 1.0, 1.0])
    pos_weight = torch.rand(3, generator=g) * 2 + 0.25
    b_weight = torch.rand(4, 3, generator=g) + 0.5
    for red in ("mean", "sum", "none"):
        case(f"bce_{red}", {"loss": "bce_with_logits", "reduction": red}, b_logits, b_target,
             lambda x, t, red=red: F.binary_cross_entropy_with_logits(x, t, reduction=red))
    case("bce_posweight_mean", {"loss": "bce_with_logits", "reduction": "mean"}, b_logits, b_target,
         lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=pos_weight), pos_weight=pos_weight)
    case("bce_weights_sum", {"loss": "bce_with_logits", "reduction": "sum"}, b_logits, b_target,
         lambda x, t: F.binary_cross_entropy_with_logits(x, t, weight=b_weight, pos_weight=pos_weight,
                                                         reduction="sum"),
         pos_weight=pos_weight, weight=b_weight)

    r_pred = torch.randn(3, 4, generator=g)
    r_target = torch.randn(3, 4, generator=g)
    for red in ("mean", "sum", "none"):
        case(f"mse_{red}", {"loss": "mse", "reduction": red}, r_pred, r_target,
             lambda x, t, red=red: F.mse_loss(x, t, reduction=red))
        case(f"l1_{red}", {"loss": "l1", "reduction": red}, r_pred, r_target,
             lambda x, t, red=red: F.l1_loss(x, t, reduction=red))
        case(f"huber_{red}", {"loss": "huber", "reduction": red, "delta": 0.7}, r_pred, r_target,
             lambda x, t, red=red: F.huber_loss(x, t, reduction=red, delta=0.7))
    write_safetensors(os.path.join(OUT, "losses.safetensors"), tensors, meta)


# ------------------------------------------------------------------------------------------ optimizers

def optimizer_cases():
    g = torch.Generator().manual_seed(99)
    init = torch.randn(2, 3, generator=g)
    grads = torch.randn(6, 2, 3, generator=g)
    tensors = {"init": init, "grads": grads}
    meta = {}
    configs = {
        "sgd_plain": ("SGD", {"lr": 0.1}),
        "sgd_momentum_dampening_wd": ("SGD", {"lr": 0.1, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.05}),
        "sgd_nesterov": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
        "adam": ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
        "adamw": ("AdamW", {"lr": 0.01, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.2}),
        "adam_amsgrad": ("Adam", {"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-8, "amsgrad": True}),
        "adamw_amsgrad": ("AdamW", {"lr": 0.02, "betas": (0.5, 0.9), "eps": 1e-7, "weight_decay": 0.1,
                                    "amsgrad": True}),
        "rmsprop": ("RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-8}),
        "rmsprop_centered_momentum_wd": ("RMSprop", {"lr": 0.01, "alpha": 0.95, "eps": 1e-6, "momentum": 0.7,
                                                     "centered": True, "weight_decay": 0.05}),
    }
    for name, (kind, kwargs) in configs.items():
        p = torch.nn.Parameter(init.clone())
        opt = getattr(torch.optim, kind)([p], **kwargs)
        rows = []
        for k in range(grads.shape[0]):
            p.grad = grads[k].clone()
            opt.step()
            rows.append(p.detach().clone())
        tensors[f"{name}.trajectory"] = torch.stack(rows)
        settings = dict(kwargs)
        settings["type"] = kind
        meta[name] = json.dumps(settings)
    write_safetensors(os.path.join(OUT, "optimizers.safetensors"), tensors, meta)


def scheduler_cases():
    tensors, meta = {}, {}

    def record(name, settings, make, steps, metrics=None, adam=False):
        groups = [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (0.1, 0.02)]
        opt = torch.optim.Adam(groups, lr=0.1) if adam else torch.optim.SGD(groups, lr=0.1, momentum=0.9)
        sched = make(opt)
        rows, momenta = [], []

        def snapshot():
            rows.append([g["lr"] for g in opt.param_groups])
            momenta.append([g["betas"][0] if adam else g["momentum"] for g in opt.param_groups])
        for k in range(steps):
            snapshot()
            opt.step()
            sched.step(metrics[k]) if metrics is not None else sched.step()
        snapshot()
        tensors[f"{name}.lr"] = torch.tensor(rows, dtype=torch.float32)
        tensors[f"{name}.momentum"] = torch.tensor(momenta, dtype=torch.float32)
        if metrics is not None:
            tensors[f"{name}.metric"] = torch.tensor(metrics, dtype=torch.float32)
        meta[name] = json.dumps(settings)

    S = torch.optim.lr_scheduler
    record("step", {"step_size": 3, "gamma": 0.5}, lambda o: S.StepLR(o, 3, 0.5), 10)
    record("exponential", {"gamma": 0.8}, lambda o: S.ExponentialLR(o, 0.8), 10)
    record("one_cycle", {"total_steps": 12, "pct_start": 0.25, "div_factor": 10.0, "final_div_factor": 100.0},
           lambda o: S.OneCycleLR(o, max_lr=[0.1, 0.02], total_steps=12, pct_start=0.25, div_factor=10.0,
                                  final_div_factor=100.0, cycle_momentum=False), 11)
    record("one_cycle_momentum_sgd", {"total_steps": 10}, lambda o: S.OneCycleLR(o, max_lr=[0.1, 0.02], total_steps=10), 9)
    record("one_cycle_momentum_adam", {"total_steps": 10}, lambda o: S.OneCycleLR(o, max_lr=[0.1, 0.02], total_steps=10),
           9, adam=True)
    min_metrics = [1.0, 0.9, 0.95, 0.9, 0.91, 0.92, 0.89999, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
    record("plateau_min", {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 1e-3, "threshold_mode": "rel",
                           "cooldown": 1, "min_lr": 0.004},
           lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=1e-3, cooldown=1,
                                         min_lr=0.004), len(min_metrics), min_metrics)
    max_metrics = [0.1, 0.2, 0.25, 0.25, 0.3, 0.29, 0.28, 0.31, 0.3, 0.2, 0.2, 0.2]
    record("plateau_max_abs", {"mode": "max", "factor": 0.1, "patience": 1, "threshold": 0.02,
                               "threshold_mode": "abs", "cooldown": 0, "min_lr": 0.0},
           lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.1, patience=1, threshold=0.02,
                                         threshold_mode="abs"), len(max_metrics), max_metrics)
    write_safetensors(os.path.join(OUT, "schedulers.safetensors"), tensors, meta)


# ------------------------------------------------------------------------------------------ training

class SmallCnn(nn.Module):
    """conv 3x3 -> BatchNorm2d -> ReLU -> maxpool 2 -> flatten -> linear.

    The convolution has no bias, as usual before BatchNorm: such a bias gets a gradient that is
    pure rounding noise, which Adam's normalisation would amplify into arbitrary updates.
    """

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(36, 3)

    def forward(self, x):
        return self.fc(torch.flatten(F.max_pool2d(F.relu(self.bn(self.conv(x))), 2), 1))


class SmallMlp(nn.Module):
    """linear -> ReLU -> linear."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(10, 16)
        self.fc2 = nn.Linear(16, 4)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


def train(name, model, batches, make_optimizer, loss_settings, optim_settings, clip):
    tensors = {f"init.{k}": v.clone() for k, v in model.state_dict().items()}
    for i, (x, y) in enumerate(batches):
        tensors[f"batch{i}.x"] = x
        tensors[f"batch{i}.y"] = y
    opt = make_optimizer(model)
    weight = loss_settings.get("weight")
    weight = torch.tensor(weight) if weight is not None else None
    losses = []
    model.train()
    for step in range(STEPS):
        x, y = batches[step % len(batches)]
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y, weight=weight, label_smoothing=loss_settings.get("label_smoothing", 0.0))
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses.append(loss.item())
    tensors["loss"] = torch.tensor(losses, dtype=torch.float32)
    for k, v in model.state_dict().items():
        tensors[f"final.{k}"] = v.clone()
    meta = {"steps": str(STEPS), "batches": str(len(batches)), "loss": json.dumps(loss_settings),
            "optimizer": json.dumps(optim_settings), "clip_grad_norm": "" if clip is None else repr(clip)}
    write_safetensors(os.path.join(OUT, f"{name}.safetensors"), tensors, meta)


def make_batches(seed, x_shape, classes):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(x_shape, generator=g), torch.randint(0, classes, (x_shape[0],), generator=g))
            for _ in range(BATCHES)]


def sgd(lr, momentum, weight_decay, nesterov):
    settings = {"type": "sgd", "lr": lr, "momentum": momentum, "dampening": 0.0, "weight_decay": weight_decay,
                "nesterov": nesterov}
    return settings, lambda m: torch.optim.SGD(m.parameters(), lr=lr, momentum=momentum,
                                               weight_decay=weight_decay, nesterov=nesterov)


def adamw_groups(lrs, weight_decay):
    """AdamW with one parameter group per top-level child, each with its own learning rate."""
    settings = {"type": "adamw", "group_lrs": lrs, "betas": [0.9, 0.999], "eps": 1e-8,
                "weight_decay": weight_decay}

    def make(m):
        groups = [{"params": list(child.parameters()), "lr": lr} for child, lr in
                  zip([c for c in m.children() if any(True for _ in c.parameters())], lrs)]
        return torch.optim.AdamW(groups, lr=lrs[0], weight_decay=weight_decay)
    return settings, make


def training_runs():
    cnn_batches = make_batches(7, (8, 1, 6, 6), 3)
    mlp_batches = make_batches(8, (8, 10), 4)
    runs = [
        ("cnn_sgd", SmallCnn, cnn_batches, sgd(0.05, 0.9, 1e-4, False), {}, None),
        ("cnn_adamw", SmallCnn, cnn_batches, adamw_groups([0.01, 0.02, 0.005], 0.01), {}, None),
        ("mlp_sgd", SmallMlp, mlp_batches, sgd(0.1, 0.9, 5e-4, True),
         {"weight": [0.5, 1.0, 1.5, 2.0], "label_smoothing": 0.1}, 1.0),
        ("mlp_adamw", SmallMlp, mlp_batches, adamw_groups([0.003, 0.01], 0.05),
         {"weight": [0.5, 1.0, 1.5, 2.0], "label_smoothing": 0.1}, None),
    ]
    for i, (name, model_type, batches, (optim_settings, make_optimizer), loss_settings, clip) in enumerate(runs):
        torch.manual_seed(100 + i)
        train(name, model_type(), batches, make_optimizer, loss_settings, optim_settings, clip)


if __name__ == "__main__":
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    loss_cases()
    optimizer_cases()
    scheduler_cases()
    training_runs()
