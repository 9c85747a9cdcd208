"""Download PTB-XL from PhysioNet with SHA-256 checks and resumable transfers.

wfdb's ``dl_files`` is not used: it hard-codes the physionet.org content URL for
its version check (so it cannot be pointed at a mirror or a test server without
mutating wfdb's global config), prints to stdout, writes files in place (a crash
leaves a truncated file that later looks complete) and checks no checksum. A small
urllib client does the job with ``.part`` files, HTTP Range resume and SHA-256.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from ..utils import check_choice
from ._io import get_data_home, safe_join
from ._ptbxl import load_ptbxl

PTBXL_URL = "https://physionet.org/files/ptb-xl/1.0.3/"
_CHUNK = 1 << 20
_SUMS_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *](.+)")
_TABLES = ("ptbxl_database.csv", "scp_statements.csv")


def _sha256(fname: Path) -> str:
    digest = hashlib.sha256()
    with open(fname, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_sha256sums(text: str, root: str | os.PathLike = ".") -> dict[str, str]:
    """Parse ``sha256sum`` output (``<hex>  <path>`` or ``<hex> *<path>``) strictly.

    The text must end with a newline (a list cut short mid-line is refused) and
    every path must be a plain relative path that stays inside ``root`` (see
    :func:`~sklearn_ecg.datasets._io.safe_join`); one bad line rejects the list.
    """
    if text and not text.endswith("\n"):
        raise ValueError(
            "SHA256SUMS.txt does not end with a newline: the list was cut short "
            "(a dropped connection?). Re-run to download it again."
        )
    sums = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _SUMS_LINE.fullmatch(line.rstrip("\r"))
        if match is None:
            raise ValueError(
                f"SHA256SUMS.txt line {n} is malformed: {line!r}; expected "
                "'<64 hex digits> <path>'. The download is corrupt; retry."
            )
        name = match.group(2)
        safe_join(root, name, f"SHA256SUMS.txt line {n}: entry")
        sums[name] = match.group(1).lower()
    return sums


def _network_error(url: str, exc) -> OSError:
    return OSError(
        f"Could not download {url!r} ({type(exc).__name__}: {exc}). Check the network "
        "or base_url; re-run to resume where it stopped."
    )


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
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _network_error(url, exc) from exc


def _resume_offset(response, start: int) -> int:
    """Byte offset the response body starts at (0 when the server ignored Range)."""
    if start and response.status == 206:
        match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
        if match and int(match.group(1)) == start:
            return start
    return 0


def _copy(response, out, url: str) -> None:
    """Copy the body; a body shorter than its Content-Length is a network fault."""
    expected = response.headers.get("Content-Length")
    received = 0
    try:
        for block in iter(lambda: response.read(_CHUNK), b""):
            out.write(block)
            received += len(block)
    except (OSError, http.client.HTTPException) as exc:
        raise _network_error(url, exc) from exc
    if expected is not None and expected.isdigit() and received < int(expected):
        raise OSError(
            f"Connection to {url!r} closed after {received} of {expected} bytes; the "
            "partial file was kept. Re-run to resume where it stopped."
        )


def download_file(url: str, dest: Path, sha256: str | None = None) -> Path:
    """Download ``url`` to ``dest`` through ``dest.part``, resuming a partial one.

    A present ``.part`` file is continued with an HTTP Range request; a server
    that ignores Range (200 instead of 206) restarts the file from its first
    byte. A network fault (refused or dropped connection, short body) raises
    OSError and keeps the ``.part`` file for the next run. The finished file
    must match ``sha256``: a mismatch is bad content, deletes the file and
    raises ValueError.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    if part.is_symlink() or dest.is_symlink():
        raise ValueError(f"{str(part)!r} or {str(dest)!r} is a symbolic link; refused.")
    start = part.stat().st_size if part.exists() else 0
    if start and sha256 is not None and _sha256(part) == sha256:
        os.replace(part, dest)  # the previous run got every byte
        return dest
    with _open(url, start) as response:
        offset = _resume_offset(response, start)
        with open(part, "r+b" if offset else "wb") as out:
            out.seek(offset)
            out.truncate()
            _copy(response, out, url)
    if sha256 is not None and _sha256(part) != sha256:
        part.unlink()
        raise ValueError(
            f"SHA-256 of {str(dest)!r} downloaded from {url!r} does not match "
            "SHA256SUMS.txt; the file was deleted. Re-run to download it again, or "
            "check that base_url is a faithful mirror."
        )
    os.replace(part, dest)
    return dest


def _read_sums(root: Path, base_url: str) -> dict[str, str]:
    """Fetch SHA256SUMS.txt into memory and validate every entry before any write."""
    url = base_url + "SHA256SUMS.txt"
    with _open(url) as response:
        buffer = _Buffer()
        _copy(response, buffer, url)
    try:
        text = buffer.getvalue().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{url!r} is not a text checksum list ({exc}).") from exc
    return parse_sha256sums(text, root)


class _Buffer(list):
    """In-memory sink for the checksum list, capped (PTB-XL's is a few MB)."""

    limit = 256 << 20

    def write(self, block):
        self.append(block)
        if sum(map(len, self)) > self.limit:
            raise ValueError(
                f"SHA256SUMS.txt is larger than {self.limit >> 20} MiB; base_url does "
                "not serve a PTB-XL checksum list."
            )

    def getvalue(self) -> bytes:
        return b"".join(self)


def _wanted(sums: dict, sampling_rate: int) -> list[str]:
    prefix = f"records{sampling_rate}/"
    return sorted(
        f for f in sums if f.startswith(prefix) or ("/" not in f and f.endswith(".csv"))
    )


def _check_listed(root: Path, sums: dict, sampling_rate: int, base_url: str) -> None:
    """Every record of ptbxl_database.csv must be listed (a cut list is refused)."""
    column = {100: "filename_lr", 500: "filename_hr"}[sampling_rate]
    try:
        names = pd.read_csv(root / "ptbxl_database.csv", usecols=[column])[column]
    except (ValueError, pd.errors.ParserError) as exc:
        raise ValueError(
            f"ptbxl_database.csv from {base_url!r} is invalid ({exc})."
        ) from exc
    wanted = [f"{n}{ext}" for n in names for ext in (".hea", ".dat")]
    unlisted = [f for f in wanted if f not in sums]
    if unlisted:
        raise ValueError(
            f"SHA256SUMS.txt at {base_url!r} does not list {len(unlisted)} record "
            f"files of ptbxl_database.csv (e.g. {unlisted[0]!r}): the list is "
            "incomplete or was cut short. Re-run, or check base_url."
        )


def _fetch_release(root: Path, base_url: str, sampling_rate: int, n_jobs: int):
    sums = _read_sums(root, base_url)  # raises before anything is written
    files = _wanted(sums, sampling_rate)
    missing = set(_TABLES) - set(files)
    if missing:
        raise ValueError(
            f"SHA256SUMS.txt at {base_url!r} lists no {sorted(missing)}; base_url "
            "must point at a PTB-XL release folder."
        )

    def get(rel):
        dest = safe_join(root, rel, "SHA256SUMS.txt entry")
        if dest.is_file() and _sha256(dest) == sums[rel]:
            return  # already complete and intact
        download_file(base_url + rel, dest, sums[rel])

    for table in _TABLES:
        get(table)
    _check_listed(root, sums, sampling_rate, base_url)
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
    completed download so that later calls do not touch the network; it is
    written only when every file listed for the record set arrived intact and
    the checksum list names every record of ``ptbxl_database.csv``.

    **Safety.** File names come from the server's ``SHA256SUMS.txt``; the whole
    list is checked before anything is written: an absolute name, a ``..``, ``.``
    or empty segment, a backslash or a drive letter, or a symbolic link in the
    download folder on the way to a file is refused with a ValueError naming the
    entry. A list that does not end with a newline (cut short) is refused.

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
        If the network fails: refused or dropped connection, a body shorter
        than announced, an HTTP error. Partial files are kept; re-run to resume.
    ValueError
        Bad content: a file that does not match its SHA-256 (deleted), or a
        checksum list that is malformed, cut short, incomplete or names a path
        outside the folder.

    Examples
    --------
    >>> from sklearn_ecg.datasets import fetch_ptbxl
    >>> ds = fetch_ptbxl(sampling_rate=100)  # doctest: +SKIP
    >>> ds.data.shape  # doctest: +SKIP
    (21799, 12, 1000)
    """
    check_choice(sampling_rate, "sampling_rate", (100, 500))
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
