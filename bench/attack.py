"""An outside attack on the login forms and the upload, against the production server.

    .venv/bin/python bench/attack.py [--port 8120] [--skip-upload] [--database-url URL]

Like bench/load.py (whose bench database and gunicorn helpers it uses), everything runs on
loopback: a PostgreSQL cluster of the bench's own in bench/.pgdata, gunicorn with the
production settings (DEBUG=0, a random SECRET_KEY). Two servers are started: one with the
default client address (REMOTE_ADDR), one configured as if behind a load balancer
(LOGIN_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR). Every check
prints what was expected, what came back, and PASS or FAIL; the exit status is non-zero
if any failed. The upload part sends the largest upload the caps allow and reports the
growth of the worker's peak memory (VmHWM), with one worker so the figure is that worker's.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import re
import sys
import threading
import time
import zipfile
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import PASSWORD, AppServer, BenchPostgres, prepare

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOCKOUT = "محاولات دخول خاطئة كثيرة"
# Django's Arabic "wrong name or password", on the site's form and on the admin's.
WRONG_PASSWORD = ("الرجاء إدخال", "من فضلك أدخِل قيمة")
LIMIT = 5
MB = 1024 * 1024
ADMIN = "bench-admin"
results: list[tuple[str, bool, str]] = []


class Session:
    """A cookie jar speaking to one server as the TLS proxy does (X-Forwarded-Proto)."""

    def __init__(self, port: int, forwarded_for: str = ""):
        self.port = port
        self.forwarded_for = forwarded_for
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form=None, *, https: bool = True, files=None
    ) -> tuple[int, str]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            origin = f"https://127.0.0.1:{self.port}"
            headers.update(Origin=origin, Referer=origin + path)
            if files is not None:
                body, headers["Content-Type"] = _multipart(form or {}, files)
            else:
                body = urlencode(form or {}).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, data
        finally:
            conn.close()

    def log_in(self, path: str, username: str, password: str) -> tuple[int, str]:
        _status, page = self.request("GET", path)
        token = CSRF_INPUT.search(page)
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
        return self.request("POST", path, form)


def _multipart(fields: dict, files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "newsdesk-attack-boundary"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for filename, data in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{filename}"\r\nContent-Type: application/zip\r\n\r\n'.encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def check(name: str, ok: bool, detail: str) -> None:
    results.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}", flush=True)


def _outcome(status: int, page: str) -> str:
    if status == 302:
        return "302 logged in"
    if status == 429:
        both = " AND wrong-password text" if any(t in page for t in WRONG_PASSWORD) else ""
        return f"429 locked{both}"
    if status == 200:
        wrong = any(text in page for text in WRONG_PASSWORD)
        return "200 wrong password" if wrong else "200 form error"
    return str(status)


def reset_attempts() -> None:
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


# --- The login attacks ------------------------------------------------------------------------


def admin_brute_force(port: int) -> None:
    answers = [
        _outcome(*Session(port).log_in("/admin/login/", ADMIN, f"guess-{n}")) for n in range(40)
    ]
    right = _outcome(*Session(port).log_in("/admin/login/", ADMIN, PASSWORD))
    site = _outcome(*Session(port).log_in("/login/", ADMIN, PASSWORD))
    refused = answers.count("429 locked")
    check(
        "1. 40 wrong admin passwords on /admin/login/",
        answers[: LIMIT - 1] == ["200 wrong password"] * (LIMIT - 1)
        and refused == 40 - (LIMIT - 1),
        f"{answers.count('200 wrong password')} answered 'wrong password', {refused} locked "
        "(429, only 'try again in N minutes')",
    )
    check(
        "1. then the right admin password, on both login forms",
        right == "429 locked" and site == "429 locked",
        f"/admin/login/: {right}; /login/: {site}",
    )


def name_variants(port: int, editor: str) -> None:
    for n in range(LIMIT):
        Session(port).log_in("/login/", editor, f"guess-{n}")
    fullwidth = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in editor)
    wide = _outcome(*Session(port).log_in("/login/", fullwidth, PASSWORD))
    upper = _outcome(*Session(port).log_in("/login/", editor.upper(), PASSWORD))
    spaced = _outcome(*Session(port).log_in("/login/", f"  {editor} ", PASSWORD))
    check(
        "2. locked name, fullwidth spelling with the right password",
        wide == "429 locked",
        f"{fullwidth}: {wide}",
    )
    check(
        "2. locked name, upper case / padded with spaces, right password",
        upper != "302 logged in" and spaced == "429 locked",
        f"{editor.upper()}: {upper} (names are case-sensitive: no such user); padded: {spaced}",
    )


def office_behind_one_address(port: int, colleague: str) -> None:
    answers = [
        _outcome(*Session(port).log_in("/login/", f"made-up-{n}", "guess")) for n in range(40)
    ]
    right = _outcome(*Session(port).log_in("/login/", colleague, PASSWORD))
    check(
        "3. 40 failures on made-up names from one address, then a colleague's right password",
        right == "302 logged in",
        f"failures answered: {sorted(set(answers))}; colleague: {right}",
    )


def trusted_proxy(port: int, editor: str) -> None:
    attacker = "203.0.113.5"
    for n in range(LIMIT):
        Session(port, forwarded_for=attacker).log_in("/login/", editor, f"guess-{n}")
    from_attacker = _outcome(
        *Session(port, forwarded_for=attacker).log_in("/login/", editor, PASSWORD)
    )
    forged = _outcome(
        *Session(port, forwarded_for=f"198.51.100.7, {attacker}").log_in(
            "/login/", editor, PASSWORD
        )
    )
    from_office = _outcome(
        *Session(port, forwarded_for="198.51.100.7").log_in("/login/", editor, PASSWORD)
    )
    check(
        "3. behind the proxy: the user locked from the attacker's address only",
        from_attacker == "429 locked" and forged == "429 locked" and from_office == "302 logged in",
        f"attacker {attacker}: {from_attacker}; attacker forging X-Forwarded-For: {forged}; "
        f"the user from 198.51.100.7: {from_office}",
    )


def forged_header_without_proxy(port: int, editor: str) -> None:
    for n in range(LIMIT):
        Session(port, forwarded_for=f"192.0.2.{n}").log_in("/login/", editor, f"guess-{n}")
    answer = _outcome(*Session(port).log_in("/login/", editor, PASSWORD))
    check(
        "3. no proxy configured: a forged X-Forwarded-For changes nothing",
        answer == "429 locked",
        f"5 failures with 5 forged addresses, then the right password: {answer}",
    )


def parallel_attempts(port: int, editor: str) -> None:
    sessions = [Session(port) for _ in range(16)]
    tokens = []
    for session in sessions:
        _status, page = session.request("GET", "/login/")
        tokens.append(CSRF_INPUT.search(page).group(1))
    answers: list[str] = [""] * 16
    start = threading.Barrier(16)

    def attempt(n: int) -> None:
        form = {"username": editor, "password": f"guess-{n}", "csrfmiddlewaretoken": tokens[n]}
        start.wait()
        answers[n] = _outcome(*sessions[n].request("POST", "/login/", form))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wrong = answers.count("200 wrong password")
    check(
        "4. 16 simultaneous wrong passwords for one user",
        wrong <= LIMIT - 1 and answers.count("429 locked") == 16 - wrong,
        f"{wrong} answered 'wrong password' + 1 that reached the limit = {wrong + 1} passwords "
        f"tested (limit {LIMIT}); {answers.count('429 locked')} locked",
    )


def nul_in_name(port: int) -> None:
    answers = [
        _outcome(*Session(port).log_in(path, "edi\x00tor", "x"))
        for path in ("/login/", "/admin/login/")
    ]
    check(
        "5. a NUL in the user name, both forms",
        all(a.startswith("200") for a in answers),
        f"/login/: {answers[0]}; /admin/login/: {answers[1]}",
    )


def health_over_http(port: int) -> None:
    status, body = Session(port).request("GET", "/healthz", https=False)
    check("14. /healthz over plain HTTP", status == 200, f"{status} {body.strip()}")


# --- The largest allowed upload ---------------------------------------------------------------


def _peak_and_rss(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    values = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.MULTILINE))
    return int(values["VmHWM"]) * 1024, int(values["VmRSS"]) * 1024


def _article_text(n: int, size: int) -> bytes:
    line = "قال المتحدث باسم الوزارة في المؤتمر الصحفي إن الخطة الجديدة ستبدأ الشهر المقبل"
    lines, total, i = [], 0, 0
    while total < size:
        text = f"{line} في الفقرة {i} من الملف {n}.\n"
        lines.append(text)
        total += len(text.encode())
        i += 1
    return "".join(lines).encode()[:size].rsplit(b"\n", 1)[0] + b"\n"


def largest_upload(server: AppServer, settings) -> None:
    import psutil

    (worker,) = psutil.Process(server.process.pid).children()
    admin = Session(server.port)
    assert admin.log_in("/login/", ADMIN, PASSWORD)[0] == 302
    admin.request("GET", "/imports/")
    token = admin.cookies["csrftoken"]
    file_bytes = settings.IMPORT_MAX_FILE_BYTES
    cases = {
        # As many archives as one request may carry, each full of members at the file
        # limit: the request stops at its decompressed and file caps.
        "200 archives × 3 members at the file limit": [
            (f"a{n}.zip", _zip({f"m{n}-{k}.txt": bytes(file_bytes) for k in range(3)}))
            for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES)
        ],
        # Up to the decompressed cap in files small enough in number to import in the
        # upload request itself, each a distinct article at the file limit.
        "10 archives × 1 article at the file limit (imported in the request)": [
            (f"b{n}.zip", _zip({f"article-{n}.txt": _article_text(n, file_bytes)}))
            for n in range(settings.IMPORT_MAX_UPLOAD_BYTES // file_bytes)
        ],
    }
    for name, files in cases.items():
        upload_bytes = sum(len(data) for _n, data in files)
        _peak, rss_before = _peak_and_rss(worker.pid)
        started = time.monotonic()
        status, _page = admin.request(
            "POST", "/imports/", {"csrfmiddlewaretoken": token}, files=files
        )
        seconds = time.monotonic() - started
        peak_after, _rss = _peak_and_rss(worker.pid)
        growth = max(0, peak_after - rss_before)
        check(
            f"7. largest upload: {name}",
            status == 302 and growth < 200 * MB,
            f"{upload_bytes / MB:.1f} MB sent, answered {status} in {seconds:.1f} s; worker peak "
            f"memory {peak_after / MB:.0f} MB, growth {growth / MB:.0f} MB over the "
            f"{rss_before / MB:.0f} MB it used before (target < 200 MB)",
        )


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8120, help="first port (default 8120)")
    parser.add_argument("--skip-upload", action="store_true", help="the login attacks only")
    parser.add_argument("--database-url", default="", help="instead of bench/.pgdata")
    args = parser.parse_args()
    url = args.database_url or BenchPostgres().start()
    prepared = prepare(url, editors=4, reviewers=0, articles=0)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from articles.models import Article
    from articles.roles import ADMINS

    admin, _ = get_user_model().objects.get_or_create(username=ADMIN)
    admin.set_password(PASSWORD)
    admin.is_staff = True
    admin.save()
    admin.groups.set([Group.objects.get(name=ADMINS)])
    Article.objects.filter(original_filename__startswith="article-").delete()
    reset_attempts()
    editors = prepared["users"]["editor"]

    direct = AppServer(args.port, 1, url)
    behind_proxy_env = {"LOGIN_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR"}
    os.environ.update(behind_proxy_env)
    proxied = AppServer(args.port + 1, 1, url)
    for name in behind_proxy_env:
        del os.environ[name]
    try:
        direct.wait_ready()
        proxied.wait_ready()
        print(f"gunicorn (DEBUG=0) on {direct.port} and, behind a proxy, on {proxied.port}")
        admin_brute_force(direct.port)
        name_variants(direct.port, editors[0])
        office_behind_one_address(direct.port, editors[1])
        trusted_proxy(proxied.port, editors[2])
        forged_header_without_proxy(direct.port, editors[3])
        reset_attempts()
        parallel_attempts(direct.port, editors[1])
        nul_in_name(direct.port)
        health_over_http(direct.port)
        reset_attempts()
        if not args.skip_upload:
            largest_upload(direct, settings)
    finally:
        direct.stop()
        proxied.stop()
        reset_attempts()
    failed = [name for name, ok, _detail in results if not ok]
    print(f"\n{len(results) - len(failed)}/{len(results)} checks held")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
