"""Training-throughput overhead of ECGClassifier.fit vs a hand-written torch loop.

Both sides train the same ResNet1d (same seed, hence identical initial weights) on
the same synthetic data with the same batch size, AdamW settings, loss and number
of epochs, on CPU, in one process. Repeats are interleaved, alternating the
order (estimator-loop, loop-estimator, ...), so that load on a shared machine
hits both alike. The estimator runs without an internal validation split
(``validation_fraction=0``), as the hand loop has none. Reported: throughput
ratio = loop time / fit time (1.0 = no overhead), median over repeats.

    nice -n 10 python benchmarks/overhead.py --repeats 5
"""

import argparse
import time

import numpy as np
import torch

from sklearn_ecg.classifiers import ECGResNetClassifier
from sklearn_ecg.models import ResNet1d


def hand_loop(X, y, *, arch, epochs, batch_size, lr, weight_decay, seed):
    torch.manual_seed(seed)
    model = ResNet1d(X.shape[1], X.shape[2], 1, **arch)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.float32))
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(Xt), generator=gen).split(batch_size):
            opt.zero_grad()
            loss = loss_fn(model(Xt[idx])[:, 0], yt[idx])
            loss.backward()
            opt.step()
    return model


def estimator_fit(X, y, *, arch, epochs, batch_size, lr, weight_decay, seed):
    return ECGResNetClassifier(
        **arch,
        max_epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        weight_decay=weight_decay,
        validation_fraction=0,
        device="cpu",
        random_state=seed,
    ).fit(X, y)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=256, help="records")
    p.add_argument("--leads", type=int, default=12)
    p.add_argument("--times", type=int, default=1000)
    p.add_argument("--base-width", type=int, default=16)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.n, args.leads, args.times)).astype(np.float32)
    y = rng.integers(0, 2, args.n)
    kw = dict(
        arch=dict(base_width=args.base_width),
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=1e-3,
        weight_decay=1e-2,
        seed=0,
    )
    estimator_fit(X[:64], y[:64], **{**kw, "epochs": 1})  # warm-up (lazy init)
    ratios, cpu_ratios, t_est, t_loop = [], [], [], []
    for rep in range(args.repeats):
        # Alternate the order so that drifting machine load favours neither side.
        order = (
            (estimator_fit, hand_loop) if rep % 2 == 0 else (hand_loop, estimator_fit)
        )
        times, cpu = {}, {}
        for fn in order:
            t0, c0 = time.perf_counter(), time.process_time()
            fn(X, y, **kw)
            times[fn] = time.perf_counter() - t0
            cpu[fn] = time.process_time() - c0
        t_est.append(times[estimator_fit])
        t_loop.append(times[hand_loop])
        ratios.append(times[hand_loop] / times[estimator_fit])
        cpu_ratios.append(cpu[hand_loop] / cpu[estimator_fit])
    print(
        f"data {X.shape}, ResNet18 base_width={args.base_width}, "
        f"{args.epochs} epochs, batch {args.batch_size}, {args.threads} thread(s)"
    )
    print(f"fit   s: {np.round(t_est, 2).tolist()}")
    print(f"loop  s: {np.round(t_loop, 2).tolist()}")
    print(
        f"throughput ratio (loop time / fit time): median {np.median(ratios):.3f}, "
        f"min {min(ratios):.3f}, max {max(ratios):.3f}"
    )
    print(
        f"CPU-time ratio: median {np.median(cpu_ratios):.3f}, "
        f"min {min(cpu_ratios):.3f}, max {max(cpu_ratios):.3f}"
    )


if __name__ == "__main__":
    main()
