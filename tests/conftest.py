"""Shared fixtures and marker handling for the test suite."""

import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_addoption(parser):
    parser.addoption(
        "--run-network",
        action="store_true",
        default=False,
        help="run tests marked 'network' (they need internet access)",
    )


def pytest_collection_modifyitems(config, items):
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:  # pragma: no cover - torch is a hard dependency
        has_cuda = False
    skip_gpu = pytest.mark.skip(reason="needs a CUDA device")
    skip_net = pytest.mark.skip(reason="needs --run-network (internet access)")
    for item in items:
        if "gpu" in item.keywords and not has_cuda:
            item.add_marker(skip_gpu)
        if "network" in item.keywords and not config.getoption("--run-network"):
            item.add_marker(skip_net)


@pytest.fixture(autouse=True)
def _single_torch_thread():
    """Keep tests deterministic and polite on small CI machines."""
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="session")
def shared_data_dir():
    """The real-data folder (``SKLEARN_ECG_SHARED_DATA``, default ``../shared/data``).

    Tests that use it are skipped when it is absent.
    """
    from sklearn_ecg.utils import get_shared_data_dir

    path = get_shared_data_dir()
    if not path.is_dir():
        # CI runs from the repository root, with shared/ beside the clone.
        alt = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")
        if os.path.isdir(alt):
            from pathlib import Path

            return Path(alt).resolve()
        pytest.skip(f"shared ECG data not found at {path}")
    return path


@pytest.fixture
def rng():
    return np.random.default_rng(0)
