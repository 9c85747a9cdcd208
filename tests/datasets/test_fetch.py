import hashlib
import http.server
import io
import threading
from functools import partial

import numpy as np
import pytest

from sklearn_ecg.datasets import fetch_ptbxl, get_data_home
from sklearn_ecg.datasets._fetch import parse_sha256sums


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with HTTP Range support; logs every request for the tests."""

    log = []
    drop = {}  # path -> bytes sent before the connection drops (once)
    raw = {}  # path -> body served without Content-Length (close-delimited)
    ignore_range = False

    def send_head(self):
        self.log.append((self.path, self.headers.get("Range")))
        rng = None if self.ignore_range else self.headers.get("Range")
        if self.path in self.raw:
            self.send_response(200)
            self.end_headers()
            return io.BytesIO(self.raw[self.path])
        if self.path in self.drop:
            data = open(self.translate_path(self.path), "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return io.BytesIO(data[: self.drop.pop(self.path)])
        if not rng:
            return super().send_head()
        path = self.translate_path(self.path)
        data = open(path, "rb").read()
        start = int(rng.split("=")[1].split("-")[0])
        if start >= len(data):
            self.send_error(416)
            return None
        self.send_response(206)
        self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(data) - start))
        self.end_headers()
        return io.BytesIO(data[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path, ptbxl_release):
    """Serve the miniature release (with SHA256SUMS.txt) on 127.0.0.1."""
    files = sorted(p for p in ptbxl_release.rglob("*") if p.is_file())
    sums = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  "
        f"{p.relative_to(ptbxl_release).as_posix()}\n"
        for p in files
    )
    (ptbxl_release / "SHA256SUMS.txt").write_text(sums)
    RangeHandler.log, RangeHandler.drop, RangeHandler.raw = [], {}, {}
    RangeHandler.ignore_range = False
    handler = partial(RangeHandler, directory=str(ptbxl_release))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", ptbxl_release
    httpd.shutdown()
    httpd.server_close()


def test_fetch_downloads_verifies_and_loads(server, tmp_path):
    url, release = server
    home = tmp_path / "home"
    ds = fetch_ptbxl(home, base_url=url, n_jobs=2)
    np.testing.assert_array_equal(ds.record_ids, [1, 2, 3, 5])
    assert not (home / "ptbxl" / "records500").exists()  # only the 100 Hz set
    downloaded = home / "ptbxl" / "records100/00000/00002_lr.dat"
    assert (
        downloaded.read_bytes()
        == (release / "records100/00000/00002_lr.dat").read_bytes()
    )
    n_requests = len(RangeHandler.log)
    again = fetch_ptbxl(home, base_url=url)  # complete: no network at all
    assert len(RangeHandler.log) == n_requests
    np.testing.assert_array_equal(again.data, ds.data)


def test_fetch_resumes_partial_file(server, tmp_path):
    url, release = server
    home = tmp_path / "home"
    rel = "records100/00000/00003_lr.dat"
    data = (release / rel).read_bytes()
    part = home / "ptbxl" / (rel + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(data[:1000])
    fetch_ptbxl(home, base_url=url, n_jobs=1)
    assert ("/" + rel, "bytes=1000-") in RangeHandler.log
    assert (home / "ptbxl" / rel).read_bytes() == data and not part.exists()


def test_fetch_checksum_mismatch_and_offline(server, tmp_path):
    url, release = server
    (release / "records100/00000/00005_lr.dat").write_bytes(b"tampered")
    with pytest.raises(ValueError, match="00005_lr.dat.*SHA-256|SHA-256.*00005_lr"):
        fetch_ptbxl(tmp_path / "home", base_url=url)
    with pytest.raises(FileNotFoundError, match="download_if_missing=True"):
        fetch_ptbxl(tmp_path / "other", download_if_missing=False)
    with pytest.raises(OSError, match="Could not download"):
        fetch_ptbxl(tmp_path / "x", base_url=url + "missing/")


def test_data_home_env_and_sums_parser(monkeypatch, tmp_path):
    monkeypatch.setenv("SKLEARN_ECG_DATA", str(tmp_path / "env"))
    assert get_data_home() == tmp_path / "env"
    sums = parse_sha256sums(
        "a" * 64 + " *records100/x.dat\n\n" + "b" * 64 + "  y.csv\n"
    )
    assert sums == {"records100/x.dat": "a" * 64, "y.csv": "b" * 64}
    with pytest.raises(ValueError, match="line 1 is malformed"):
        parse_sha256sums("nothex  file\n")


def _sums_line(name, data=b"x"):
    return f"{hashlib.sha256(data).hexdigest()}  {name}\n"


@pytest.mark.parametrize("entry", ["../evil", "ABS", "a/../../b", "records100/../x",
                                   "a\\b", "C:/x", "./y", "a//b"])  # fmt: skip
def test_hostile_checksum_list_writes_nothing(server, tmp_path, entry):
    url, release = server
    home = tmp_path / "home"
    outside = tmp_path / "abs_marker"
    entry = str(outside) if entry == "ABS" else entry
    sums = (release / "SHA256SUMS.txt").read_text() + _sums_line(entry)
    (release / "SHA256SUMS.txt").write_text(sums)
    before = sorted(p for p in tmp_path.rglob("*") if "ptbxl" not in p.parts)
    with pytest.raises(ValueError, match="SHA256SUMS.txt line .*entry " + repr(entry)
                       .replace("\\", "\\\\").replace(".", r"\.")):  # fmt: skip
        fetch_ptbxl(home, base_url=url)
    assert not home.exists()  # nothing at all was written, not even the folder
    assert not outside.exists() and not (tmp_path / "evil").exists()
    assert sorted(p for p in tmp_path.rglob("*") if "ptbxl" not in p.parts) == before
    assert [p for p, _ in RangeHandler.log] == ["/SHA256SUMS.txt"]


def test_symlink_in_download_folder_is_refused(server, tmp_path):
    url, _ = server
    home, outside = tmp_path / "home", tmp_path / "outside"
    outside.mkdir()
    (home / "ptbxl").mkdir(parents=True)
    (home / "ptbxl" / "records100").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="symbolic link .*records100"):
        fetch_ptbxl(home, base_url=url)
    assert list(outside.iterdir()) == []


def test_dropped_connection_keeps_part_and_resumes(server, tmp_path):
    url, release = server
    home = tmp_path / "home"
    rel = "records100/00000/00002_lr.dat"
    data = (release / rel).read_bytes()
    RangeHandler.drop = {"/" + rel: 700}
    with pytest.raises(OSError, match="closed after 700 of") as info:
        fetch_ptbxl(home, base_url=url, n_jobs=1)
    assert not isinstance(info.value, ValueError)
    part = home / "ptbxl" / (rel + ".part")
    assert part.read_bytes() == data[:700]
    assert not (home / "ptbxl" / ".complete_records100").exists()
    ds = fetch_ptbxl(home, base_url=url, n_jobs=1)
    assert ("/" + rel, "bytes=700-") in RangeHandler.log
    assert (home / "ptbxl" / rel).read_bytes() == data and not part.exists()
    assert len(ds.record_ids) == 4


def test_server_ignoring_range_restarts_the_file(server, tmp_path):
    url, release = server
    home = tmp_path / "home"
    rel = "records100/00000/00003_lr.dat"
    part = home / "ptbxl" / (rel + ".part")
    part.parent.mkdir(parents=True)
    part.write_bytes(b"garbage that is not a prefix" * 10)
    RangeHandler.ignore_range = True
    fetch_ptbxl(home, base_url=url, n_jobs=1)
    assert ("/" + rel, "bytes=280-") in RangeHandler.log
    assert (home / "ptbxl" / rel).read_bytes() == (release / rel).read_bytes()


def test_truncated_checksum_list_is_not_complete(server, tmp_path):
    url, release = server
    home = tmp_path / "home"
    text = (release / "SHA256SUMS.txt").read_text()
    cut = text.index("\n", len(text) // 2) - 5  # mid-line, no Content-Length
    RangeHandler.raw = {"/SHA256SUMS.txt": text[:cut].encode()}
    with pytest.raises(ValueError, match="cut short"):
        fetch_ptbxl(home, base_url=url)
    assert not (home / "ptbxl" / ".complete_records100").exists()
    lines = text.splitlines(keepends=True)
    kept = [ln for ln in lines if "00005_lr" not in ln]  # cut at a line boundary
    RangeHandler.raw = {"/SHA256SUMS.txt": "".join(kept).encode()}
    with pytest.raises(ValueError, match="does not list 2 record files.*00005_lr"):
        fetch_ptbxl(home, base_url=url)
    assert not (home / "ptbxl" / ".complete_records100").exists()
    RangeHandler.raw = {}
    assert len(fetch_ptbxl(home, base_url=url).record_ids) == 4


def test_checksum_mismatch_is_value_error_and_deleted(server, tmp_path):
    url, release = server
    rel = "records100/00000/00001_lr.hea"
    (release / rel).write_text((release / rel).read_text() + "# extra\n")
    with pytest.raises(ValueError, match="does not match"):
        fetch_ptbxl(tmp_path / "home", base_url=url, n_jobs=1)
    assert not (tmp_path / "home" / "ptbxl" / (rel + ".part")).exists()
    assert not (tmp_path / "home" / "ptbxl" / rel).exists()
