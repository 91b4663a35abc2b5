"""The HTTP half of `make prod-smoke` (deploy/smoke.sh starts the processes): what a browser
behind the TLS-terminating nginx does, with the standard library only.

With an https:// base it goes through nginx (the sample config, deploy/nginx/digiproj.conf,
with a self-signed certificate: --cafile), and downloads arrive by X-Accel-Redirect. With an
http:// base it talks to gunicorn directly and sends `X-Forwarded-Proto: https` itself, as
nginx would. Either way the production settings (DJANGO_SECURE: SSL redirect, secure cookies,
CSRF origin checks) are exercised as behind the proxy. Prints the figures on stdout; exits
non-zero with the reason on failure.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class SmokeError(Exception):
    pass


class _TlsTerminated(http.cookiejar.DefaultCookiePolicy):
    """Secure cookies are sent: the client stands behind the proxy that ended TLS."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request):
        return True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str, *, cafile: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.via_nginx = self.base.startswith("https://")
        self.origin = "https://" + urllib.parse.urlsplit(self.base).netloc
        self.jar = http.cookiejar.CookieJar(policy=_TlsTerminated())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cafile)),
            _NoRedirect(),
        )

    def request(
        self, path: str, data: dict[str, str] | None = None, *, proxied: bool = True
    ) -> tuple[int, dict[str, str], bytes]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if proxied and not self.via_nginx:
            request.add_header("X-Forwarded-Proto", "https")
        if body is not None:
            request.add_header("Origin", self.origin)
            request.add_header("Referer", self.origin + path)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def form_post(self, path: str, data: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        status, _, page = self.request(path)
        if status != 200:
            raise SmokeError(f"GET {path}: {status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not token:
            raise SmokeError(f"GET {path}: no CSRF token in the form")
        return self.request(path, {**data, "csrfmiddlewaretoken": token.group(1).decode()})


def wait_healthy(browser: Browser, started_at: float, timeout: float) -> tuple[str, float]:
    """/healthz once it exists; before that the login page stands in for it."""
    path = "/healthz"
    while True:
        try:
            status, _, _ = browser.request(path)
        except OSError:  # not listening yet
            status = 0
        if status == 404 and path == "/healthz":
            path = "/accounts/login/"
            continue
        if status == 200:
            return path, time.time() - started_at
        if time.time() - started_at > timeout:
            raise SmokeError(f"{path} not healthy after {timeout:.0f} s (last status {status})")
        time.sleep(0.1)


def check_proxy_settings(browser: Browser, plain: str) -> None:
    """Plain HTTP (to nginx's port 80 server, or straight to gunicorn) is redirected to
    HTTPS; the hashed static files are served."""
    status, headers, _ = Browser(plain).request("/accounts/login/", proxied=False)
    if status != 301 or not headers.get("Location", "").startswith("https://"):
        raise SmokeError(f"plain HTTP was not redirected to HTTPS ({status})")
    status, _, page = browser.request("/accounts/login/")
    css = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    if not css:
        raise SmokeError("the login page links no hashed stylesheet (manifest static is off?)")
    status, _, _ = browser.request(css.group(1).decode())
    if status != 200:
        raise SmokeError(f"{css.group(1).decode()}: {status}")


def log_in(browser: Browser, email: str, password: str) -> None:
    status, headers, _ = browser.form_post(
        "/accounts/login/", {"login": email, "password": password}
    )
    if status != 302 or "/accounts/login/" in headers.get("Location", ""):
        raise SmokeError(f"login refused ({status})")


def order_report(browser: Browser, project: int, start: str, end: str) -> str:
    status, headers, page = browser.form_post(
        f"/p/{project}/rapporter/",
        {"kind": "indikatorer", "period_start": start, "period_end": end, "file_format": "xlsx"},
    )
    if status != 302:
        errors = re.findall(rb'class="[^"]*error[^"]*"[^>]*>\s*([^<]+)', page)
        reasons = "; ".join(e.decode().strip() for e in errors) or "no message on the page"
        raise SmokeError(f"report order refused ({status}): {reasons}")
    return urllib.parse.urlsplit(headers["Location"]).path


def wait_done(browser: Browser, run_path: str, timeout: float) -> str:
    started = time.time()
    while time.time() - started < timeout:
        status, _, page = browser.request(run_path)
        if status != 200:
            raise SmokeError(f"GET {run_path}: {status}")
        link = re.search(rb'href="([^"]+/fil/)"', page)
        if link:
            return link.group(1).decode()
        failed = re.search(rb'class="field-error">([^<]*)<', page)
        if failed:
            raise SmokeError(f"the report run failed: {failed.group(1).decode()}")
        time.sleep(0.2)
    raise SmokeError(f"the report run was not done after {timeout:.0f} s")


def download(browser: Browser, path: str) -> int:
    status, headers, body = browser.request(path)
    disposition = headers.get("Content-Disposition", "")
    if status != 200 or not disposition.startswith("attachment"):
        raise SmokeError(f"download {path}: {status} {disposition!r}")
    if not body.startswith(b"PK"):
        raise SmokeError(f"download {path}: not an xlsx file")
    if "X-Accel-Redirect" in headers:
        raise SmokeError(f"download {path}: nginx passed X-Accel-Redirect on to the client")
    return len(body)


def check_private_location_is_internal(browser: Browser, prefix: str) -> None:
    status, _, _ = browser.request(prefix.rstrip("/") + "/reporting/")
    if status != 404:
        raise SmokeError(f"{prefix} answered {status} from outside (must be internal: 404)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--started-at", type=float, required=True, help="epoch seconds")
    parser.add_argument("--email", required=True)
    parser.add_argument("--project", type=int, required=True)
    parser.add_argument("--period", nargs=2, required=True, metavar=("START", "END"))
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--plain", help="plain-HTTP address to check the HTTPS redirect on")
    parser.add_argument("--cafile", help="the TLS certificate nginx presents")
    parser.add_argument("--private-prefix", default="/_private/")
    args = parser.parse_args()
    password = sys.stdin.readline().rstrip("\n")
    browser = Browser(args.base, cafile=args.cafile)
    try:
        health_path, to_healthy = wait_healthy(browser, args.started_at, args.timeout)
        print(f"smoke: healthy ({health_path}) {to_healthy:.1f} s after start")
        check_proxy_settings(browser, args.plain or args.base)
        print("smoke: plain HTTP redirects to HTTPS; hashed static files are served")
        if browser.via_nginx:
            check_private_location_is_internal(browser, args.private_prefix)
            print(f"smoke: nginx refuses {args.private_prefix} from outside (internal)")
        log_in(browser, args.email, password)
        print(f"smoke: logged in as {args.email}")
        ordered = time.time()
        run_path = order_report(browser, args.project, *args.period)
        download_path = wait_done(browser, run_path, args.timeout)
        run_seconds = time.time() - ordered
        size = download(browser, download_path)
        how = "through nginx (X-Accel-Redirect)" if browser.via_nginx else "from gunicorn"
        print(f"smoke: report run done in {run_seconds:.2f} s; downloaded {size} bytes {how}")
    except SmokeError as error:
        print(f"smoke: FAILED: {error}", file=sys.stderr)
        return 1
    print(
        f"prod-smoke figures: seconds to healthy {to_healthy:.1f}; "
        f"report run seconds {run_seconds:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
