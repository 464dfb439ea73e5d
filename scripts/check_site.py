"""Check the built book in a real browser: pages, links, anchors, images, navigation, console.

Run from the repository root after `jupyter-book build book/` (.ci/run does):
    python scripts/check_site.py [--site book/_build/html] [--browser /usr/bin/chromium]

It serves the HTML on 127.0.0.1 from a local http.server thread and drives a headless
Chromium (Debian's package; any Chromium or Chrome binary via --browser or $CHROMIUM) with
Playwright, in a fresh profile. Requests to any other host are blocked, so the check never
depends on the network. For every page in book/_toc.yml, in order, it

- loads the page and fails on a console error or an uncaught exception (a blocked external
  request, such as MathJax from its CDN, is not an error);
- checks every internal link and asset (href and src in the rendered DOM) answers 200, and
  that every #anchor exists on its target page;
- checks every image decodes (naturalWidth > 0);
- waits for MathJax (served from the site itself, not a CDN) to typeset the page, and fails
  if the page's text (collapsed dropdowns too), code left out, still shows raw TeX
  delimiters (``\\(``, ``\\[``, ``$$``);
- saves a screenshot to book/_build/screenshots/<page>.png;

then follows the "next" links from the first page to the last and the "previous" links back,
which must visit the pages in the table of contents' order. Exits 1 with a list of the
failures, 2 when the site or the browser is missing.
"""

import argparse
import functools
import http.server
import os
import shutil
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from add_install_cell import toc_files  # scripts/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKED = "net::ERR_BLOCKED_BY_CLIENT"  # what Chromium logs for the external requests we abort

COLLECT_JS = """() => {
    const attrs = [];
    for (const el of document.querySelectorAll('[href], [src]')) {
        for (const name of ['href', 'src']) {
            const raw = el.getAttribute(name);
            if (raw === null || raw === '' || /^(javascript|mailto|data|blob):/i.test(raw)) {
                continue;
            }
            const url = new URL(raw, document.baseURI).href;
            attrs.push({tag: el.tagName.toLowerCase(), raw, url});
        }
    }
    return attrs;
}"""
RAW_TEX_JS = r"""async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        await Promise.race([MathJax.startup.promise, new Promise(r => setTimeout(r, 20000))]);
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const raw = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('pre, code, script, style, mjx-container')) continue;
        const match = node.textContent.match(/\\\(|\\\[|\$\$/);
        if (match) raw.push(node.textContent.trim().slice(0, 60));
    }
    return {raw, typeset: document.querySelectorAll('mjx-container').length};
}"""
IMAGES_JS = """async () => {
    const images = Array.from(document.images);
    for (const img of images) img.loading = 'eager';  // lazy images load now too
    const settle = img => Promise.race([img.decode().catch(() => null),
                                        new Promise(r => setTimeout(r, 10000))]);
    await Promise.all(images.map(settle));
    return images.map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth,
                               alt: img.alt || ''}));
}"""


def toc_pages(book):
    """The pages of book/_toc.yml in reading order, as paths relative to the site ('intro.html')."""
    return [f"{Path(f).with_suffix('')}.html" for f in toc_files(book)]


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the browser hung up: fine
            super().handle_error(request, client_address)


def serve(site):
    """Serve ``site`` on 127.0.0.1 (a free port) from a daemon thread; return the server."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Checker:
    """Collects failures and counts while the pages are visited."""

    def __init__(self, base):
        self.base = base
        self.failures = []
        self.status = {}  # url without fragment -> HTTP status (or an error string)
        self.ids = {}  # page url -> set of ids
        self.counts = dict(
            pages=0, links=0, anchors=0, images=0, external=0, screenshots=0, formulas=0
        )

    def fail(self, page, message):
        self.failures.append(f"{page}: {message}")

    def internal(self, url):
        return url.startswith(self.base)

    def fetch(self, url):
        """HTTP status of ``url``, asked once; the ids of an HTML page are kept for anchors."""
        if url not in self.status:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    self.status[url] = response.status
                    if response.headers.get_content_type() == "text/html":
                        parser = _Ids()
                        parser.feed(response.read().decode("utf-8", errors="replace"))
                        self.ids[url] = parser.ids
            except urllib.error.HTTPError as error:
                self.status[url] = error.code
            except OSError as error:
                self.status[url] = str(error)
        return self.status[url]

    def check_links(self, page, attrs):
        targets = {}
        for attr in attrs:
            if not self.internal(attr["url"]):
                self.counts["external"] += 1
                continue
            targets.setdefault(attr["url"], attr)
        for url, attr in sorted(targets.items()):
            target, fragment = urldefrag(url)
            self.counts["links"] += 1
            status = self.fetch(target)
            if status != 200:
                self.fail(page, f"<{attr['tag']}> {attr['raw']!r} answers {status}")
            elif fragment and unquote(fragment) not in self.ids.get(target, set()):
                self.fail(
                    page,
                    f"<{attr['tag']}> {attr['raw']!r}: no id {unquote(fragment)!r} "
                    f"on {target[len(self.base) :] or '/'}",
                )
            if fragment:
                self.counts["anchors"] += 1

    def check_images(self, page, images):
        for image in images:
            if not self.internal(image["src"]):
                self.counts["external"] += 1
                continue
            self.counts["images"] += 1
            if image["width"] <= 0:
                self.fail(
                    page,
                    f"image {image['src'][len(self.base) :]!r} ({image['alt'][:40]!r}) "
                    "does not decode (naturalWidth 0)",
                )

    def check_maths(self, page, result):
        self.counts["formulas"] += result["typeset"]
        for text in result["raw"]:
            self.fail(page, f"raw TeX on the page (MathJax did not typeset it): {text!r}")


def watch(page, checker):
    """Report console errors, uncaught exceptions and failed internal requests as failures."""

    def here():
        return urlsplit(page.url).path.lstrip("/") or "/"

    def on_console(message):
        if message.type != "error":
            return
        source = message.location.get("url", "")
        if BLOCKED in message.text or (source and not checker.internal(source)):
            return  # an external request we blocked, or a script from elsewhere
        checker.fail(here(), f"console error: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: checker.fail(here(), f"uncaught exception: {error}"))
    page.on(
        "requestfailed",
        lambda request: (
            checker.internal(request.url)
            and checker.fail(here(), f"request failed: {request.url} ({request.failure})")
        ),
    )


def visit_all(page, checker, pages, shots):
    for path in pages:
        response = page.goto(checker.base + path, wait_until="load")
        if response is None or response.status != 200:
            checker.fail(path, f"answers {response and response.status}")
            continue
        checker.counts["pages"] += 1
        checker.check_links(path, page.evaluate(COLLECT_JS))
        checker.check_images(path, page.evaluate(IMAGES_JS))
        checker.check_maths(path, page.evaluate(RAW_TEX_JS))
        page.screenshot(path=shots / f"{Path(path).stem}.png")
        checker.counts["screenshots"] += 1


def follow(page, checker, pages, selector, label):
    """Click ``selector`` from the first of ``pages`` until it is gone; compare the visits."""
    page.goto(checker.base + pages[0], wait_until="load")
    seen = [pages[0]]
    while page.locator(selector).count() and len(seen) <= len(pages):
        page.locator(selector).first.click()
        page.wait_for_load_state("load")
        seen.append(urlsplit(page.url).path.lstrip("/"))
    if seen != pages:
        checker.fail("navigation", f"the {label} links visit {seen}, expected {pages}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "book" / "_build" / "html")
    parser.add_argument("--book", type=Path, default=ROOT / "book")
    parser.add_argument("--browser", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument(
        "--screenshots", type=Path, default=ROOT / "book" / "_build" / "screenshots"
    )
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        print(f"check_site: no built site at {args.site}; run jupyter-book build book/ first")
        return 2
    if not args.browser or not Path(args.browser).is_file():
        print(
            f"check_site: no browser at {args.browser}; install Chromium "
            "(apt-get install chromium) or pass --browser /path/to/chrome"
        )
        return 2
    from playwright.sync_api import sync_playwright

    pages = toc_pages(args.book)
    shutil.rmtree(args.screenshots, ignore_errors=True)
    args.screenshots.mkdir(parents=True)
    server = serve(args.site)
    checker = Checker(f"http://127.0.0.1:{server.server_port}/")
    with (
        tempfile.TemporaryDirectory(prefix="check-site-profile-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=args.browser,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if checker.internal(route.request.url)
                else route.abort("blockedbyclient")
            ),
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        watch(page, checker)
        visit_all(page, checker, pages, args.screenshots)
        follow(page, checker, pages, "a.right-next", "next")
        follow(page, checker, pages[::-1], "a.left-prev", "previous")
        context.close()
    server.shutdown()
    counts = checker.counts
    print(
        f"check_site: {counts['pages']} pages, {counts['links']} internal links and assets "
        f"({counts['anchors']} with anchors), {counts['images']} images, "
        f"{counts['formulas']} typeset formulas, "
        f"{counts['external']} external references not followed, "
        f"{counts['screenshots']} screenshots in {args.screenshots}"
    )
    if checker.failures:
        print(f"check_site: {len(set(checker.failures))} failures:")
        for failure in dict.fromkeys(checker.failures):  # once each, in order
            print(f"  - {failure}")
        return 1
    print("check_site: all pages, links, anchors, images and the navigation are fine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
