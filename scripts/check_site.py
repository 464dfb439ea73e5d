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
- on a page holding interactive latent planes (``ae.latent_explorer``, class
  ``ae-latent-explorer``), moves the mouse to two well-separated points of each plane and
  fails unless the enlarged digit is drawn (not blank) and changes between them; then sets
  ``html[data-theme="dark"]`` and fails unless the figure redraws with the page's text colour,
  legible (contrast at least 3:1) on its background, and the digit still shows; saves the
  figure in each mode to <page>-explorer-<n>-light.png and -dark.png; fails if a page of
  ``EXPLORER_PAGES`` (12_vae.html: the chapter promises one) holds none;

and records where each page's "next" and "previous" buttons lead (the href a click follows).
Then it walks the "next" links from the first page to the last and the "previous" links back,
which must visit the pages in the table of contents' order (from the recorded hrefs: loading
every page twice more to click them cost about half the check's time and checked nothing
more). Exits 1 with a list of the
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the root, for tools/
from tools.book import toc_files

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


EXPLORER = ".ae-latent-explorer"  # the class of ae.latent_explorer's figure
EXPLORER_PAGES = ("12_vae.html",)  # pages whose text promises one
EXPLORER_POINTS = ((0.3, 0.25), (0.8, 0.75))  # where the mouse goes, as fractions of the plane
#: What an explorer shows now: the enlarged digit (data URL, brightest red value, pixels over
#: half bright), the readout, the ink it drew with against the colour CSS gives it now, how
#: many of the plane's pixels are in that ink, the background it sits on, and its redraws.
EXPLORER_STATE_JS = """root => {
    const rgb = text => (text.match(/[\\d.]+/g) || []).map(Number);
    const pixels = canvas => canvas.getContext('2d')
        .getImageData(0, 0, canvas.width, canvas.height).data;
    const digit = root.querySelector('canvas.ae-le-digit');
    const plane = root.querySelector('canvas.ae-le-plane');
    let max = 0, lit = 0, inked = 0;
    const d = pixels(digit);
    for (let k = 0; k < d.length; k += 4) { max = Math.max(max, d[k]); lit += d[k] > 127; }
    const ink = rgb(getComputedStyle(root).color);
    const p = pixels(plane);
    for (let k = 0; k < p.length; k += 4) {
        inked += p[k + 3] > 200 && [0, 1, 2].every(c => Math.abs(p[k + c] - ink[c]) <= 8);
    }
    let background = [255, 255, 255];
    for (let el = root; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { background = c.slice(0, 3); break; }
    }
    return {digit: digit.toDataURL(), max, lit, inked, ink: ink.slice(0, 3), background,
            drawn: rgb(root.dataset.aeInk || '').slice(0, 3), draws: +root.dataset.aeDraws || 0,
            readout: root.querySelector('.ae-le-readout').textContent};
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
        self.leads = {}  # (button selector, page) -> the page its link leads to, or None
        self.counts = dict(
            pages=0, links=0, anchors=0, images=0, external=0, screenshots=0, formulas=0,
            explorers=0,
        )  # fmt: skip

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


def contrast(a, b):
    """WCAG's contrast ratio of two sRGB colours given as 0-255 triples (1 to 21)."""

    def luminance(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def explorer_state(checker, where, root, mode):
    """The explorer's state (EXPLORER_STATE_JS); fails unless it is drawn, legibly."""
    state = root.evaluate(EXPLORER_STATE_JS)
    if state["max"] < 128 or state["lit"] < 20:
        checker.fail(where, f"{mode}: the enlarged digit is blank ({state['readout']})")
    if state["drawn"] != state["ink"] or state["inked"] < 100:
        checker.fail(
            where,
            f"{mode}: the axes are not drawn in the page's text colour {state['ink']} "
            f"(drawn in {state['drawn']}, {state['inked']} pixels of it)",
        )
    ratio = contrast(state["ink"], state["background"])
    if ratio < 3:
        checker.fail(
            where,
            f"{mode}: axis text {state['ink']} on background {state['background']} has "
            f"contrast {ratio:.1f}:1, below 3:1",
        )
    return state


def check_explorer(page, checker, path, root, n, shots):
    """Move the mouse over explorer ``n`` of ``path``; switch to dark mode; screenshots."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    where = f"{path} (latent explorer {n})"
    try:
        page.wait_for_function("root => root.dataset.aeReady === '1'", arg=root, timeout=10_000)
    except PlaywrightTimeout:
        checker.fail(where, "the figure never drew (its script did not run?)")
        return
    plane = root.query_selector("canvas.ae-le-plane")
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    states = []
    for fx, fy in EXPLORER_POINTS:
        page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        states.append(explorer_state(checker, where, root, "light mode"))
    moved = f"moving the mouse from {states[0]['readout']} to {states[1]['readout']}"
    if states[0]["readout"] == states[1]["readout"]:
        checker.fail(where, "the mouse moves across the plane, but the readout of z stays")
    elif states[0]["digit"] == states[1]["digit"]:
        checker.fail(where, f"{moved} does not change the enlarged digit")
    root.screenshot(path=shots / f"{Path(path).stem}-explorer-{n}-light.png")
    checker.counts["screenshots"] += 1
    theme = page.evaluate("() => document.documentElement.dataset.theme ?? null")
    page.evaluate("() => { document.documentElement.dataset.theme = 'dark'; }")
    try:
        page.wait_for_function(
            "([root, n]) => +root.dataset.aeDraws > n", arg=[root, states[-1]["draws"]],
            timeout=5_000,
        )  # fmt: skip
        explorer_state(checker, where, root, "dark mode")
        root.screenshot(path=shots / f"{Path(path).stem}-explorer-{n}-dark.png")
        checker.counts["screenshots"] += 1
    except PlaywrightTimeout:
        checker.fail(where, "the figure does not redraw when the theme changes to dark")
    page.evaluate(
        "theme => theme === null ? delete document.documentElement.dataset.theme"
        " : document.documentElement.dataset.theme = theme",
        theme,
    )
    checker.counts["explorers"] += 1


def check_explorers(page, checker, path, shots):
    """Check every latent explorer on ``path``; fail if a page that promises one has none."""
    roots = page.query_selector_all(EXPLORER)
    if not roots and path in EXPLORER_PAGES:
        checker.fail(path, f"no interactive latent plane ({EXPLORER}) on the page")
    for n, root in enumerate(roots, 1):
        check_explorer(page, checker, path, root, n, shots)


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
        check_explorers(page, checker, path, shots)
        for selector in NAVIGATION:
            href = page.evaluate(f"() => document.querySelector('{selector}')?.href ?? null")
            checker.leads[selector, path] = href and urlsplit(href).path.lstrip("/")


#: The buttons at the foot of every page, whose links must walk the table of contents.
NAVIGATION = ("a.right-next", "a.left-prev")


def follow(checker, pages, selector, label):
    """Walk ``selector``'s recorded links from the first of ``pages``; compare the visits."""
    seen = [pages[0]]
    while checker.leads.get((selector, seen[-1])) and len(seen) <= len(pages):
        seen.append(checker.leads[selector, seen[-1]])
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
    missing = [path for path in EXPLORER_PAGES if path not in pages]
    shutil.rmtree(args.screenshots, ignore_errors=True)
    args.screenshots.mkdir(parents=True)
    server = serve(args.site)
    checker = Checker(f"http://127.0.0.1:{server.server_port}/")
    for path in missing:
        checker.fail(path, "not in book/_toc.yml, but its latent explorer must be checked")
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
        context.close()
    follow(checker, pages, "a.right-next", "next")
    follow(checker, pages[::-1], "a.left-prev", "previous")
    server.shutdown()
    counts = checker.counts
    print(
        f"check_site: {counts['pages']} pages, {counts['links']} internal links and assets "
        f"({counts['anchors']} with anchors), {counts['images']} images, "
        f"{counts['formulas']} typeset formulas, {counts['explorers']} latent explorers, "
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
