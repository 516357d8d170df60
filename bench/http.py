"""A keep-alive HTTP client for the bench, standard library only: one connection,
a cookie jar, the login form and the CSRF token, as a browser on a phone would."""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A browser shows the flash message on the page the redirect leads to; the bench does
# not follow redirects of timed POSTs, so it drops the message cookie instead of
# sending an ever longer one back.
DROPPED_COOKIES = {"messages"}


class HttpError(Exception):
    pass


@dataclass
class Answer:
    status: int
    location: str
    text: str
    ms: float


@dataclass
class Streamed:
    status: int
    first_byte_ms: float  # the status line and headers, and the first block of the body
    ms: float
    bytes: int
    lines: int


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 60

    def __post_init__(self):
        self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        headers = {"Host": "127.0.0.1", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            # The server closed the kept-alive connection: a browser opens a new one and
            # asks again, but only for a GET: a POST that may have arrived is not repeated.
            self._connection.close()
            if method != "GET":
                raise
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        ms = (time.perf_counter() - started) * 1000
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or name in DROPPED_COOKIES:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
        return Answer(response.status, response.getheader("Location", ""), data.decode(), ms)

    def stream(self, path: str, block: int = 1 << 16) -> Streamed:
        """GET a (streamed) download, reading it block by block as it arrives: when its
        first byte came, when its last, how big, how many lines. Nothing is kept."""
        headers = {"Host": "127.0.0.1", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self._connection.request("GET", path, headers=headers)
            response = self._connection.getresponse()
        except (OSError, http.client.HTTPException):
            # The server closed the connection after the last download: open another.
            self._connection.close()
            started = time.perf_counter()
            self._connection.request("GET", path, headers=headers)
            response = self._connection.getresponse()
        first = response.read1(block)
        first_ms = (time.perf_counter() - started) * 1000
        size, lines = len(first), first.count(b"\n")
        while data := response.read1(block):
            size += len(data)
            lines += data.count(b"\n")
        total_ms = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise HttpError(f"GET {path}: {response.status}")
        return Streamed(response.status, first_ms, total_ms, size, lines)

    def get(self, path: str, expect: int = 200) -> Answer:
        answer = self.request("GET", path)
        if answer.status != expect:
            raise HttpError(f"GET {path}: {answer.status}, expected {expect}\n{answer.text[:500]}")
        return answer

    def log_in(self, username: str, password: str, path: str = "/accounts/login/") -> None:
        page = self.get(path)
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token(page.text)}
        if "admin" in path:
            form["next"] = "/admin/"
        answer = self.request("POST", path, form)
        if answer.status != 302:
            raise HttpError(f"login of {username} at {path}: {answer.status}")

    def close(self) -> None:
        self._connection.close()


def token(page: str) -> str:
    """The CSRF form token in a page's HTML."""
    match = TOKEN.search(page)
    if not match:
        raise HttpError(f"no CSRF token in the page:\n{page[:500]}")
    return match.group(1)
