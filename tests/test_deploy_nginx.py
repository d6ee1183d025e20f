"""deploy/nginx/pakn.conf in a real nginx (docs/operations.md): `nginx -t` accepts it, and in front of a
real `pakn serve` it redirects to HTTPS, proxies pages and /health, and lets the biggest filing through
to pakn, which answers a too-large file itself. Only the machine's paths are changed: ports, the
certificate (made here), the log and temporary folders.

Skipped where nginx is not installed (Debian: `apt-get install nginx`), except in CI, which installs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.notifications.support import pick_port

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = pytest.mark.skipif(
    NGINX is None and not os.environ.get("CI"), reason="nginx is not installed (apt-get install nginx)"
)


def _site(tmp: Path, http: int, https: int, upstream: int) -> str:
    """The example with this machine's ports, certificate and folders, and nothing else changed."""
    text = (ROOT / "deploy" / "nginx" / "pakn.conf").read_text(encoding="utf-8")
    text = re.sub(r"^\s*listen \[::\]:\d+.*;\n", "", text, flags=re.MULTILINE)  # no IPv6 needed here
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http};")
    text = text.replace("listen 443 ssl", f"listen 127.0.0.1:{https} ssl")
    text = text.replace("/etc/ssl/pakn/", f"{tmp}/")
    text = text.replace("/var/log/nginx/", f"{tmp}/")
    return text.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")


def _main_conf(tmp: Path) -> str:
    temp = " ".join(
        f"{kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"pid {tmp}/nginx.pid; error_log {tmp}/error.log; daemon off; worker_processes 1;\n"
        f"events {{}}\nhttp {{ access_log {tmp}/access.log; {temp} include {tmp}/pakn.conf; }}\n"
    )


def _until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, verify=False, timeout=5)
            return
        except httpx.TransportError:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)


def test_the_nginx_example_runs_in_front_of_pakn(database_clean, tmp_path) -> None:
    assert NGINX, "CI installs nginx (.ci/run)"
    http, https, upstream = pick_port(), pick_port(), pick_port()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp_path / "pakn.conf").write_text(_site(tmp_path, http, https, upstream), encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(_main_conf(tmp_path), encoding="utf-8")
    conf = ["-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([NGINX, "-t", *conf], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PAKN_DATABASE_URL": database_clean,
        "PAKN_SECRET_KEY": "nginx-test-secret-0123456789",
        "PAKN_SMTP_HOST": "127.0.0.1",
        "PAKN_SCHEDULER": "off",
        "PAKN_TRUSTED_PROXIES": "127.0.0.1",  # as deploy/pakn.env.example says for nginx on the machine
        "PAKN_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    pakn_log, nginx_log = tmp_path / "pakn.log", tmp_path / "nginx.out"
    with pakn_log.open("wb") as out, nginx_log.open("wb") as nginx_out:
        pakn = subprocess.Popen(
            [sys.executable, "-m", "feedback", "serve", "--port", str(upstream)],
            env=env,
            stdout=out,
            stderr=out,
        )
        nginx = subprocess.Popen([NGINX, *conf], stdout=nginx_out, stderr=nginx_out)
        try:
            _until_up(f"http://127.0.0.1:{upstream}/health", pakn, pakn_log)
            _until_up(f"https://127.0.0.1:{https}/health", nginx, nginx_log)
            with httpx.Client(base_url=f"https://127.0.0.1:{https}", verify=False, timeout=30) as client:
                plain = httpx.get(f"http://127.0.0.1:{http}/track", follow_redirects=False)
                assert plain.status_code == 301 and plain.headers["location"].startswith("https://")

                health = client.get("/health")
                assert health.status_code in (200, 503) and "database" in health.json()
                home = client.get("/")
                assert home.status_code == 200 and "pakn" in home.text
                client.get("/track/PAKN.20261130.0001", params={"token": "bi-mat-cua-cong-dan"})

                # 12 MB in one file: nginx lets it through (client_max_body_size) and pakn itself refuses
                # the file as over 10 MB, in Vietnamese, with nothing saved — not nginx's own 413 page.
                body = {
                    "title": "Ảnh quá lớn",
                    "content": "Thử gửi một tệp lớn qua nginx.",
                    "category": "moi-truong",
                }
                big = client.post(
                    "/api/v1/feedback",
                    data={"data": json.dumps(body)},
                    files=[("files", ("anh.png", b"\x89PNG\r\n\x1a\n" + b"0" * (12 * 2**20), "image/png"))],
                )
                assert 400 <= big.status_code < 500 and big.headers["content-type"].startswith(
                    "application/json"
                )
                assert "nginx" not in big.text and "MB" in big.json()["detail"], big.text
        finally:
            for process in (nginx, pakn):
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
    # Tracking links carry the citizen's token in their query string: the access log keeps none.
    logged = (tmp_path / "pakn.access.log").read_text(encoding="utf-8")
    assert "/track/PAKN.20261130.0001" in logged and "bi-mat" not in logged and "?" not in logged
