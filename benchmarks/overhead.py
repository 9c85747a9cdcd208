"""Training-throughput overhead of ECGClassifier.fit vs a hand-written torch loop.

Both sides train the same ResNet1d (same seed, hence identical initial weights) on
the same synthetic data with the same batch size, AdamW settings, loss and number
of epochs, on CPU, in one process. Repeats are interleaved, alternating the
order (estimator-loop, loop-estimator, ...), so that load on a shared machine
hits both alike. The estimator runs without an internal validation split
(``validation_fraction=0``), as the hand loop has none. Reported: throughput
ratio = loop time / fit time (1.0 = no overhead), median over repeats.

On a GPU (``--device cuda``) the hand loop moves each batch from pinned host
memory, as a ``DataLoader`` with ``pin_memory=True`` does, and every timing ends
with ``torch.cuda.synchronize()``. ``--precisions 32 bf16`` times both sides at
each precision (the hand loop under the same ``torch.autocast``) and adds the
mixed-precision speed-up of ``fit`` (fp32 time / bf16 time), measured in the same
interleaved repeats.

    nice -n 10 python benchmarks/overhead.py --repeats 5
    python benchmarks/overhead.py --device cuda --precisions 32 bf16 \
        --n 2048 --times 5000 --base-width 64 --batch-size 128 --epochs 2

``--augmentation`` measures instead what random crops and the full augmentation
recipe (``"basic"`` then ``"paper"``) cost: three fits of the same network on
the same number of crop-length inputs per step, interleaved in one process:
``plain`` (records already cut to ``--crop`` samples, no augmentation), ``host``
(whole records, crops and recipe per record on the host: ``data_path="host"``,
the path before the batch transforms) and ``batch`` (the same crops and recipe
vectorised over each batch: ``data_path="batch"``). Reported: fit time of each
augmented side / plain fit time (goal <= 1.15), paired by repeat.

    nice -n 10 python benchmarks/overhead.py --augmentation --repeats 5
"""

import argparse
import time

import numpy as np
import torch
from _common import add_common_args, write_result

from sklearn_ecg.augmentation import basic_augmentation, paper_augmentation
from sklearn_ecg.classifiers import AUTOCAST_DTYPES as AUTOCAST
from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.models import ResNet1d


def hand_loop(X, y, *, arch, epochs, batch_size, lr, weight_decay, seed, device,
              precision):  # fmt: skip
    torch.manual_seed(seed)
    model = ResNet1d(X.shape[1], X.shape[2], 1, **arch).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.float32))
    cuda = device == "cuda"
    scaler = torch.amp.GradScaler(device, enabled=precision == "fp16")
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(Xt), generator=gen).split(batch_size):
            xb, yb = Xt[idx], yt[idx]
            if cuda:
                xb = xb.pin_memory().to(device, non_blocking=True)
                yb = yb.pin_memory().to(device, non_blocking=True)
            opt.zero_grad()
            with torch.autocast(
                device, dtype=AUTOCAST[precision] or torch.float32,
                enabled=AUTOCAST[precision] is not None,
            ):  # fmt: skip
                logits = model(xb)[:, 0]
            loss = loss_fn(logits.float(), yb)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
    _sync(device)
    return model


def estimator_fit(X, y, *, arch, epochs, batch_size, lr, weight_decay, seed, device,
                  precision):  # fmt: skip
    clf = ECGResNetClassifier(
        **arch,
        crop_length=None,  # the hand-written loop trains on whole records,
        augment=None,  # without augmentation
        lr_schedule=None,  # or a schedule
        max_epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        validation_fraction=0,
        device=device,
        precision=precision,
        random_state=seed,
    ).fit(X, y)
    _sync(device)
    return clf


def _sync(device):
    if device == "cuda":
        torch.cuda.synchronize()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=256, help="records")
    p.add_argument("--leads", type=int, default=12)
    p.add_argument("--times", type=int, default=1000)
    p.add_argument("--base-width", type=int, default=16)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    p.add_argument(
        "--precisions", nargs="+", default=["32"], choices=list(AUTOCAST),
        help="time fit and the loop at each (autocast dtype)",
    )  # fmt: skip
    p.add_argument(
        "--augmentation", action="store_true",
        help="time crops + the full recipe (host and batch paths) vs no augmentation",
    )  # fmt: skip
    p.add_argument("--crop", type=int, default=250, help="crop length (samples)")
    p.add_argument("--sfreq", type=float, default=100.0)
    args = add_common_args(p).parse_args(argv)
    if args.quick:
        args.n, args.times, args.base_width, args.epochs = 16, 250, 4, 1
        args.batch_size, args.repeats, args.crop = 8, 2, 100
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.n, args.leads, args.times)).astype(np.float32)
    y = rng.integers(0, 2, args.n)
    if args.augmentation:
        return augmentation_overhead(args, X, y)
    kw = dict(
        arch=dict(base_width=args.base_width),
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=1e-3,
        weight_decay=1e-2,
        seed=0,
        device=args.device,
    )
    for prec in args.precisions:  # warm-up: lazy init, cuDNN autotuning, kernels
        estimator_fit(X[:256], y[:256], **{**kw, "epochs": 1}, precision=prec)
        hand_loop(X[:256], y[:256], **{**kw, "epochs": 1}, precision=prec)
    sides = [(f, prec) for prec in args.precisions for f in (estimator_fit, hand_loop)]
    wall = {side: [] for side in sides}
    cpu = {side: [] for side in sides}
    for rep in range(args.repeats):
        # Alternate the order so that drifting machine load favours no side.
        for fn, prec in sides if rep % 2 == 0 else sides[::-1]:
            t0, c0 = time.perf_counter(), time.process_time()
            fn(X, y, **kw, precision=prec)
            wall[fn, prec].append(time.perf_counter() - t0)
            cpu[fn, prec].append(time.process_time() - c0)
    device = torch.cuda.get_device_name() if args.device == "cuda" else "CPU"
    print(
        f"data {X.shape}, ResNet18 base_width={args.base_width}, {args.epochs} "
        f"epochs, batch {args.batch_size}, {device}, {args.threads} thread(s)"
    )
    n_samples = args.n * args.epochs
    results = {"precisions": {}, "speedups": []}
    for prec in args.precisions:
        print(f"precision {prec}:")
        results["precisions"][prec] = summarize(
            wall[estimator_fit, prec], wall[hand_loop, prec],
            cpu[estimator_fit, prec], cpu[hand_loop, prec], n_samples,
        )  # fmt: skip
    base = args.precisions[0]
    for prec in args.precisions[1:]:
        for fn in (estimator_fit, hand_loop):
            speedup = np.divide(wall[fn, base], wall[fn, prec])
            results["speedups"].append(
                {"precision": prec, "over": base, "side": fn.__name__,
                 **_stats(speedup)}
            )  # fmt: skip
            print(
                f"speed-up of {prec} over {base} ({fn.__name__}, paired repeats): "
                f"median {np.median(speedup):.2f}, min {speedup.min():.2f}, "
                f"max {speedup.max():.2f}"
            )
    write_result(args.out, "overhead", vars(args), results, device=args.device)


def augmentation_overhead(args, X, y):
    """Time plain, host-augmented and batch-augmented fits; write the ratios."""
    recipe = [basic_augmentation(), paper_augmentation()]
    common = dict(
        base_width=args.base_width, max_epochs=args.epochs, batch_size=args.batch_size,
        validation_fraction=0, device=args.device, random_state=0,
    )  # fmt: skip
    aug = dict(crop_length=args.crop, augment=recipe, sfreq=args.sfreq)
    sides = {
        "plain": (X[:, :, : args.crop].copy(), {}),
        "host": (X, {**aug, "data_path": "host"}),
        "batch": (X, {**aug, "data_path": "batch"}),
    }
    for data, kw in sides.values():  # warm-up
        ECGResNetClassifier(**{**common, **kw, "max_epochs": 1}).fit(data[:64], y[:64])
    wall = {k: [] for k in sides}
    cpu = {k: [] for k in sides}
    order = list(sides)
    for rep in range(args.repeats):
        for name in order if rep % 2 == 0 else order[::-1]:
            data, kw = sides[name]
            t0, c0 = time.perf_counter(), time.process_time()
            ECGResNetClassifier(**common, **kw).fit(data, y)
            _sync(args.device)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    print(
        f"data {X.shape}, crops of {args.crop}, ResNet18 base_width="
        f"{args.base_width}, {args.epochs} epochs, batch {args.batch_size}, "
        f"{args.device}, {args.threads} thread(s)"
    )
    results = {"sides": {k: {"wall_s": wall[k], "cpu_s": cpu[k]} for k in sides}}
    for name in ("host", "batch"):
        results[name] = {
            "wall_ratio": _stats(np.divide(wall[name], wall["plain"])),
            "cpu_ratio": _stats(np.divide(cpu[name], cpu["plain"])),
        }
        for kind in ("wall_ratio", "cpu_ratio"):
            r = results[name][kind]
            print(f"  {name} / plain, {kind}: median {r['median']:.3f} "
                  f"(min {r['min']:.3f}, max {r['max']:.3f})")  # fmt: skip
    write_result(args.out, "overhead_augment", vars(args), results, device=args.device)
    return results


def _stats(values):
    values = np.asarray(values, dtype=float)
    return {"median": float(np.median(values)), "min": float(values.min()),
            "max": float(values.max())}  # fmt: skip


def summarize(t_est, t_loop, c_est, c_loop, n_samples):
    """Print and return the timings of one precision."""
    ratios = np.divide(t_loop, t_est)
    cpu_ratios = np.divide(c_loop, c_est)
    res = {
        "fit_s": list(t_est), "loop_s": list(t_loop),
        "fit_records_per_s": n_samples / float(np.median(t_est)),
        "loop_records_per_s": n_samples / float(np.median(t_loop)),
        "wall_ratio": _stats(ratios), "cpu_ratio": _stats(cpu_ratios),
    }  # fmt: skip
    print(f"  fit   s: {np.round(t_est, 3).tolist()}")
    print(f"  loop  s: {np.round(t_loop, 3).tolist()}")
    print(f"  fit throughput: {res['fit_records_per_s']:,.0f} records/s "
          f"(loop {res['loop_records_per_s']:,.0f})")  # fmt: skip
    for name, r in (("throughput", res["wall_ratio"]), ("CPU-time", res["cpu_ratio"])):
        print(f"  {name} ratio (loop / fit): median {r['median']:.3f}, "
              f"min {r['min']:.3f}, max {r['max']:.3f}")  # fmt: skip
    return res


if __name__ == "__main__":
    main()
