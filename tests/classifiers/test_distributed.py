"""Data-parallel fits: the sharded sampler, and 2 gloo processes vs 1 process."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist

from sklearn_ecg.classifiers import ECGClassifier
from sklearn_ecg.classifiers._distributed import DistState, ShardedBatchSampler

WORKER = Path(__file__).with_name("_ddp_worker.py")


def _worker():
    spec = importlib.util.spec_from_file_location("_ddp_worker", WORKER)
    module = importlib.util.module_from_spec(spec)
    sys.modules["_ddp_worker"] = module  # its TinyNet must pickle by name
    spec.loader.exec_module(module)
    return module


def _single_process_batches(n, batch_size, seed, epochs):
    generator = torch.Generator()
    generator.manual_seed(seed)
    loader = torch.utils.data.DataLoader(
        np.arange(n), batch_size=batch_size, shuffle=True, generator=generator
    )
    return [[b.tolist() for b in loader] for _ in range(epochs)]


@pytest.mark.parametrize("n, batch_size, world", [(45, 16, 2), (33, 16, 2), (50, 8, 3)])
def test_sharded_sampler_cuts_the_single_process_batches(n, batch_size, world):
    expected = _single_process_batches(n, batch_size, 7, epochs=3)
    generators, samplers = [], []
    for rank in range(world):
        g = torch.Generator()
        g.manual_seed(7)
        generators.append(g)
        samplers.append(ShardedBatchSampler(n, batch_size, DistState(rank, world), g))
    for epoch in expected:
        # a DataLoader draws its base seed before the sampler shuffles
        for g in generators:
            torch.empty((), dtype=torch.int64).random_(generator=g)
        parts = [list(s) for s in samplers]
        for k, batch in enumerate(epoch):
            sizes = [s.part_size(k) for s in samplers]
            got = [p for r in range(world) for p in parts[r][k][: sizes[r]]]
            assert got == batch  # the parts, in rank order, are the global batch
            assert sum(sizes) == len(batch) == samplers[0].global_size(k)
            assert max(sizes) - min(sizes) <= 1
            for r in range(world):  # an empty part is one record, weighted 0
                assert len(parts[r][k]) == max(sizes[r], 1)


def test_distributed_parameter_is_checked():
    X = np.zeros((8, 1, 32), dtype="float32")
    with pytest.raises(ValueError, match=r"distributed must be 'auto'.*got 'yes'"):
        ECGClassifier(distributed="yes", max_epochs=1).fit(X, np.arange(8) % 2)


def test_auto_is_a_plain_fit_in_one_process(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    X, y = _worker().data()
    probas = [
        ECGClassifier(_worker().TinyNet, max_epochs=2, batch_size=16, random_state=0,
                      device="cpu", distributed=d).fit(X, y).predict_proba(X)
        for d in ("auto", False)
    ]  # fmt: skip
    np.testing.assert_array_equal(*probas)


@pytest.mark.slow
@pytest.mark.skipif(
    not (dist.is_available() and dist.is_gloo_available()),
    reason="torch.distributed with the gloo backend is not available",
)
def test_two_gloo_processes_match_one_process(tmp_path, monkeypatch):
    for var in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(var, raising=False)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone",
           "--nproc_per_node", "2", str(WORKER), str(tmp_path)]  # fmt: skip
    env = {**__import__("os").environ, "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    _worker().fit_and_dump(tmp_path)  # the same fit in this one process
    two = json.loads((tmp_path / "result_2.json").read_text())
    one = json.loads((tmp_path / "result_1.json").read_text())
    # Same global batches, gradients of the same global mean loss: only the
    # order of float32 sums differs (two part means, weighted and all-reduced).
    np.testing.assert_allclose(
        np.load(tmp_path / "proba_2.npy"), np.load(tmp_path / "proba_1.npy"), atol=1e-5
    )
    np.testing.assert_allclose(two["train_loss"], one["train_loss"], rtol=1e-5)
    np.testing.assert_allclose(two["valid_loss"], one["valid_loss"], rtol=1e-5)
    assert two["batch_sizes"] == one["batch_sizes"] == [16, 16, 13]
    # only rank 0 wrote the checkpoint and the history
    assert {"params.pt", "history.json"} <= {
        p.name for p in (tmp_path / "rank0").iterdir()
    }
    assert not (tmp_path / "rank1").exists()
    assert two["module_type"] == "TinyNet" and two["pickled_equal"]
