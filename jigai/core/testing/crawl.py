"""A breadth-first walk over the pages a signed-in user is shown links to (Django's test client).

Every same-site link found in an HTML page is followed, from the home page up to a bound. Links
the walk must not follow (sign-out, downloads, the API, static files, anything that needs a POST)
are skipped. Each link that answers 403, 404 or 500 is reported with the page that showed it.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from lxml import html

# A few pages of each path shape are followed (/applications/123/ and /applications/124/ are one
# kind of page): enough to meet an object in each state the demo holds, few enough to stay quick.
PER_SHAPE = 4
_NUMBER = re.compile(r"/\d+(?=/|$)")
_SKIP = re.compile(
    r"^/(static|media|api|admin)/|/logout|/download|/export|\.(pdf|xlsx|csv|zip|ico|png|svg)$|"
    r"/attachments/\d+/?$|/i18n/"
)


@dataclass(frozen=True)
class CrawlResult:
    broken: list[BrokenLink]
    #: pages whose headings are not exactly one non-empty <h1>
    bad_headings: list[str]
    fetched: int


@dataclass(frozen=True)
class BrokenLink:
    page: str
    link: str
    status: int

    def __str__(self) -> str:
        return f"{self.page} links to {self.link} -> {self.status}"


def _shape(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
    return _NUMBER.sub("/N", parts.path) + ("?" + query if query else "")


def page_links(url: str, body: bytes) -> list[str]:
    """The same-site GET links of an HTML page, absolute paths with their query."""
    if not body.strip():
        return []
    tree = html.fromstring(body)
    out = []
    for href in tree.xpath("//a[@href]/@href | //link[@rel='icon']/@href"):
        href = urldefrag(href.strip())[0]
        if not href or href.startswith(("mailto:", "tel:", "javascript:")):
            continue
        absolute = urljoin(url, href)
        parts = urlsplit(absolute)
        if parts.netloc not in ("", "testserver"):
            continue
        out.append(parts.path + ("?" + parts.query if parts.query else ""))
    return out


def _headings(body: bytes) -> list[str]:
    tree = html.fromstring(body)
    return [" ".join(h.text_content().split()) for h in tree.xpath("//h1")]


def crawl(client: Any, start: str = "/", *, limit: int = 250) -> CrawlResult:
    """Walk from ``start``: the broken links, the pages without one heading, the pages fetched."""
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    queue: deque[tuple[str, str]] = deque([("(start)", start)])
    broken: list[BrokenLink] = []
    bad_headings: list[str] = []
    fetched = 0
    while queue and fetched < limit:
        source, url = queue.popleft()
        shape = _shape(url)
        if url in seen or shapes.get(shape, 0) >= PER_SHAPE or _SKIP.search(urlsplit(url).path):
            continue
        seen.add(url)
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        fetched += 1
        if response.status_code in (403, 404) or response.status_code >= 500:
            broken.append(BrokenLink(source, url, response.status_code))
            continue
        if response.status_code in (301, 302):
            location = response.headers["Location"]
            if urlsplit(location).netloc in ("", "testserver"):
                queue.append((source, urljoin(url, location)))
            continue
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        if response.content.lstrip()[:15].lower() == b"<!doctype html>":  # a whole page, not a fragment
            headings = _headings(response.content)
            if len(headings) != 1 or not headings[0]:
                bad_headings.append(f"{url}: {headings}")
        for link in page_links(url, response.content):
            queue.append((url, link))
    return CrawlResult(broken, bad_headings, fetched)
