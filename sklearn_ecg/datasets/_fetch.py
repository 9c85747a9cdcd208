"""Download PTB-XL from PhysioNet with SHA-256 checks and resumable transfers.

wfdb's ``dl_files`` is not used: it hard-codes the physionet.org content URL for
its version check (so it cannot be pointed at a mirror or a test server without
mutating wfdb's global config), prints to stdout, writes files in place (a crash
leaves a truncated file that later looks complete) and checks no checksum. A small
urllib client does the job with ``.part`` files, HTTP Range resume and SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ._io import check_option, get_data_home
from ._ptbxl import load_ptbxl

PTBXL_URL = "https://physionet.org/files/ptb-xl/1.0.3/"
_CHUNK = 1 << 20


def _sha256(fname: Path) -> str:
    digest = hashlib.sha256()
    with open(fname, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_sha256sums(text: str) -> dict[str, str]:
    """Parse ``sha256sum`` output (``<hex>  <path>`` or ``<hex> *<path>``)."""
    sums = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.strip().split(maxsplit=1)
        if len(parts) != 2 or len(parts[0]) != 64:
            raise ValueError(
                f"SHA256SUMS.txt line {n} is malformed: {line!r}; expected "
                "'<64 hex digits> <path>'. The download is corrupt; retry."
            )
        sums[parts[1].lstrip("*").strip()] = parts[0].lower()
    return sums


def _open(url: str, start: int = 0, timeout: float = 60.0):
    headers = {"User-Agent": "sklearn-ecg"}
    if start:
        headers["Range"] = f"bytes={start}-"
    try:
        return urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=timeout
        )
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:  # the partial file is not a prefix: restart
            return _open(url, 0, timeout)
        raise OSError(
            f"Could not download {url!r} (HTTP {exc.code}). Check base_url; re-run to "
            "resume where it stopped."
        ) from exc
    except urllib.error.URLError as exc:
        raise OSError(
            f"Could not download {url!r} ({exc}). Check the network or base_url; "
            "re-run to resume where it stopped."
        ) from exc


def download_file(url: str, dest: Path, sha256: str | None = None) -> Path:
    """Download ``url`` to ``dest`` through ``dest.part``, resuming a partial one.

    A present ``.part`` file is continued with an HTTP Range request (servers
    that ignore Range restart it). The finished file must match ``sha256``; a
    mismatch deletes it and raises, so the next run starts clean.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    start = part.stat().st_size if part.exists() else 0
    with _open(url, start) as response:
        resumed = start > 0 and response.status == 206
        with open(part, "ab" if resumed else "wb") as out:
            shutil.copyfileobj(response, out, _CHUNK)
    if sha256 is not None and _sha256(part) != sha256:
        part.unlink()
        raise ValueError(
            f"SHA-256 of {str(dest)!r} downloaded from {url!r} does not match "
            "SHA256SUMS.txt; the partial file was deleted. Re-run to download again."
        )
    os.replace(part, dest)
    return dest


def _wanted(sums: dict, sampling_rate: int) -> list[str]:
    prefix = f"records{sampling_rate}/"
    return sorted(
        f for f in sums if f.startswith(prefix) or ("/" not in f and f.endswith(".csv"))
    )


def _fetch_release(root: Path, base_url: str, sampling_rate: int, n_jobs: int):
    # The checksum list itself has no checksum: always fetch it whole.
    (root / "SHA256SUMS.txt.part").unlink(missing_ok=True)
    sums_file = download_file(base_url + "SHA256SUMS.txt", root / "SHA256SUMS.txt")
    sums = parse_sha256sums(sums_file.read_text())
    files = _wanted(sums, sampling_rate)
    missing = {"ptbxl_database.csv", "scp_statements.csv"} - set(files)
    if missing:
        raise ValueError(
            f"SHA256SUMS.txt at {base_url!r} lists no {sorted(missing)}; base_url "
            "must point at a PTB-XL release folder."
        )

    def get(rel):
        dest = root / rel
        if dest.is_file() and _sha256(dest) == sums[rel]:
            return  # already complete and intact
        download_file(base_url + rel, dest, sums[rel])

    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        list(pool.map(get, files))  # list() re-raises the first error


def fetch_ptbxl(
    data_home: str | os.PathLike | None = None,
    *,
    sampling_rate: int = 100,
    download_if_missing: bool = True,
    base_url: str = PTBXL_URL,
    n_jobs: int = 4,
    **load_kw,
):
    """Download PTB-XL (if needed) and load it with :func:`load_ptbxl`.

    Files listed in the release's ``SHA256SUMS.txt`` are fetched for the tables
    and the requested record set only (``records100/`` is about 0.5 GB,
    ``records500/`` about 2.5 GB). Each file is verified against its SHA-256;
    an interrupted run resumes partial files with HTTP Range requests, and files
    already present and intact are not downloaded again. A marker file records a
    completed download so that later calls do not touch the network.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Download folder; the ``SKLEARN_ECG_DATA`` environment variable or
        ``~/sklearn_ecg_data`` when None. The release goes to ``<data_home>/ptbxl``.
    sampling_rate : {100, 500}, default=100
        Which record set to download and load.
    download_if_missing : bool, default=True
        If False, raise instead of downloading when the data are not present.
    base_url : str, default="https://physionet.org/files/ptb-xl/1.0.3/"
        Release folder URL (a mirror, or a local server in tests).
    n_jobs : int, default=4
        Parallel downloads.
    **load_kw
        Passed to :func:`load_ptbxl` (``task``, ``cache``, ...); the cache goes to
        ``<data_home>/cache`` unless ``cache`` is given.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch` or tuple
        What :func:`load_ptbxl` returns.

    Raises
    ------
    FileNotFoundError
        If the data are absent and ``download_if_missing`` is False.
    OSError
        If the network fails (re-run to resume).
    ValueError
        If a file does not match its SHA-256.

    Examples
    --------
    >>> from sklearn_ecg.datasets import fetch_ptbxl
    >>> ds = fetch_ptbxl(sampling_rate=100)  # doctest: +SKIP
    >>> ds.data.shape  # doctest: +SKIP
    (21799, 12, 1000)
    """
    check_option(sampling_rate, "sampling_rate", (100, 500))
    if not isinstance(n_jobs, int) or n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive int, got {n_jobs!r}.")
    home = get_data_home(data_home)
    root = home / "ptbxl"
    marker = root / f".complete_records{sampling_rate}"
    if not marker.is_file():
        if not download_if_missing:
            raise FileNotFoundError(
                f"PTB-XL ({sampling_rate} Hz) is not in {str(root)!r}; pass "
                "download_if_missing=True to download it, or data_home= to point at "
                "an existing download."
            )
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        _fetch_release(root, base_url, sampling_rate, n_jobs)
        marker.write_text(base_url + "\n")
    load_kw.setdefault("cache", home / "cache")
    return load_ptbxl(root, sampling_rate=sampling_rate, **load_kw)
