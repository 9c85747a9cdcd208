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

    def send_head(self):
        self.log.append((self.path, self.headers.get("Range")))
        rng = self.headers.get("Range")
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
    RangeHandler.log = []
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
