#!/usr/bin/env python3
"""Checks the attention explorer in a real browser (./run test browser; standard library only).

    check_explorer.py CHROMIUM PAGE OUT_DIR

Loads PAGE (written by `translator explore`) in headless Chromium with the page's test hook
(#test-hover=Q&kind=K&layer=L&head=H: select that view and hover query word Q), reads the DOM
Chromium dumps, and checks what is shown against the weights embedded in the page: the status line
names the hovered word and the key it attends to most, the SVG has one line per (query, key) pair,
and only the hovered word's lines are visible. Then saves a screenshot, OUT_DIR/explorer.png.
"""
import html.parser
import json
import os
import subprocess
import sys
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


class Dom(html.parser.HTMLParser):
    """Collects the SVG's lines and texts, the status line and the strongest key."""

    def __init__(self):
        super().__init__()
        self.lines, self.queries, self.keys = [], [], []
        self.status_query, self.strongest, self.status = None, "", ""
        self._in = []  # (tag, where text goes: "status", "strongest", "query" or "key")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "line" and a.get("class") == "link":
            self.lines.append((int(a["data-query"]), int(a["data-key"]), float(a["stroke-opacity"])))
        where = {"status": "status", "strongest": "strongest"}.get(a.get("id", ""))
        if where == "status":
            self.status_query = a.get("data-query")
        if tag == "text" and a.get("class", "").startswith("query"):
            where = "query"
            self.queries.append(["", "chosen" in a.get("class", "")])
        elif tag == "text" and a.get("class") == "key":
            where = "key"
            self.keys.append("")
        if where:
            self._in.append((tag, where))

    def handle_endtag(self, tag):
        if self._in and self._in[-1][0] == tag:
            self._in.pop()

    def handle_data(self, data):
        inside = [where for _, where in self._in]
        if "status" in inside:
            self.status += data
        if "strongest" in inside:
            self.strongest += data
        if inside and inside[-1] == "query":
            self.queries[-1][0] += data
        elif inside and inside[-1] == "key":
            self.keys[-1] += data


def embedded_data(page):
    text = open(page, encoding="utf-8").read()
    start = text.index('<script id="data" type="application/json">') + len('<script id="data" type="application/json">')
    return json.loads(text[start:text.index("</script>", start)])


def chromium(browser, profile, *args):
    return subprocess.run([browser, *FLAGS, "--user-data-dir=" + profile, *args], check=True,
                          capture_output=True, text=True, timeout=60).stdout


def main():
    browser, page, out_dir = sys.argv[1:4]
    data = embedded_data(page)
    kind, layer, head = 2, len(data["kinds"][2]["weights"]) - 1, 1  # cross-attention, last layer, head 2
    k = data["kinds"][kind]
    query = min(3, len(k["queries"]) - 1)
    weights = k["weights"][layer][head][query]
    expected = k["keys"][max(range(len(weights)), key=lambda j: weights[j])]
    url = "file://%s#test-hover=%d&kind=%d&layer=%d&head=%d" % (os.path.abspath(page), query, kind, layer, head)

    failures = []
    with tempfile.TemporaryDirectory() as profile:
        dom = Dom()
        dom.feed(chromium(browser, profile, "--dump-dom", url))
    if not dom.lines:
        failures.append("the page drew no lines (did its script run?)")
    if len(dom.lines) != len(k["queries"]) * len(k["keys"]):
        failures.append("%d lines, expected %d queries x %d keys" % (len(dom.lines), len(k["queries"]), len(k["keys"])))
    if [q for q, _ in dom.queries] != k["queries"] or dom.keys != k["keys"]:
        failures.append("the words shown %s / %s differ from the data %s / %s"
                        % ([q for q, _ in dom.queries], dom.keys, k["queries"], k["keys"]))
    if [i for i, (_, chosen) in enumerate(dom.queries) if chosen] != [query]:
        failures.append("query word %d is not the one highlighted" % query)
    if dom.status_query != str(query) or not dom.status.startswith('"%s" (query %d) attends most to' % (k["queries"][query], query)):
        failures.append("status line is %r" % dom.status)
    if dom.strongest != expected:
        failures.append("the page says the strongest key is %r, the data says %r" % (dom.strongest, expected))
    for q, j, opacity in dom.lines:
        want = round(weights[j], 3) if q == query else 0.0
        if abs(opacity - want) > 1e-3:
            failures.append("line %d->%d has opacity %g, expected %g" % (q, j, opacity, want))
            break

    shot = os.path.join(out_dir, "explorer.png")
    if os.path.exists(shot):
        os.remove(shot)
    with tempfile.TemporaryDirectory() as profile:
        chromium(browser, profile, "--screenshot=" + shot, "--window-size=900,800", url)
    if not os.path.exists(shot) or open(shot, "rb").read(8) != b"\x89PNG\r\n\x1a\n":
        failures.append("no PNG screenshot at " + shot)

    for f in failures:
        print("browser test: FAIL: " + f, file=sys.stderr)
    if failures:
        return 1
    print('browser test: hovering "%s" (query %d, %s, layer %d, head %d) shows it attends most to "%s"'
          % (k["queries"][query], query, k["name"], layer + 1, head + 1, expected))
    print("browser test: screenshot " + shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
