#!/usr/bin/env python3
"""make-seeds.py - rebuilds the fuzz seed corpora in this folder.

Reads the project's demo corpus (../../data/demo) and the development data
in ../shared/data (see README.md here for what is taken, with its source
and licence). Run from the repository root:

    python3 fuzz/corpus/make-seeds.py [../shared/data]

Each target's folder is rewritten; the result is small on purpose (a few
hundred KB in all): libFuzzer mutates from these, it does not need many.
"""
import gzip
import json
import os
import shutil
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "fuzz", "corpus")
DEMO = os.path.join(ROOT, "data", "demo")

# Readability test pages (Apache-2.0): small ones for the markup corner
# cases, two articles, and the head of one with JSON-LD metadata.
PAGES_WHOLE = ["001", "003-metadata-preferred", "004-metadata-space-separated-properties",
               "005-unescape-html-entities", "parsely-metadata", "title-en-dash", "rtl-1",
               "replace-brs", "hidden-nodes", "svg-parsing", "base-url-base-element-relative",
               "comment-inside-script-parsing", "ars-1"]
PAGES_HEAD = {"tumblr": 24000, "nytimes-1": 24000}
ECB_ARTICLES = 16  # texts from ECB+ (CC BY 3.0), first articles of the first topics


def fresh(name):
    d = os.path.join(OUT, name)
    if os.path.isdir(d) and not os.path.islink(d):
        shutil.rmtree(d)
    os.makedirs(d)
    return d


def put(d, name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def demo_texts():
    out = []
    for n in sorted(os.listdir(DEMO)):
        if n.endswith(".txt"):
            with open(os.path.join(DEMO, n), "rb") as f:
                out.append((n, f.read()))
    return out


def ecb_articles():
    arts, topics = [], {}
    with open(os.path.join(DATA, "ecbplus", "ecbplus.jsonl"), encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            t = a["topic"]
            if len(topics.get(t, [])) < 2 and len(a["text"]) < 3000:
                topics.setdefault(t, []).append(a)
    for t in sorted(topics)[: ECB_ARTICLES // 2]:
        arts.extend(topics[t])
    return arts


def page(name, limit=None):
    with gzip.open(os.path.join(DATA, "extraction", "readability-pages", name, "source.html.gz")) as f:
        b = f.read()
    return b[:limit] if limit else b


def warc_members(name, first, count):
    """Raw gzip members first..first+count of a WARC file (one record each)."""
    with open(os.path.join(DATA, "warc", name), "rb") as f:
        d = f.read()
    off, members = 0, []
    while off < len(d) and len(members) < first + count:
        z = zlib.decompressobj(31)
        try:
            z.decompress(d[off:])
        except zlib.error:
            break
        used = len(d) - off - len(z.unused_data)
        members.append(d[off:off + used])
        off += used
    return members[first:first + count]


def main():
    demo = demo_texts()
    ecb = ecb_articles()

    # Plain text: fuzz_text, fuzz_clean_text, fuzz_quotes, fuzz_quantities.
    d = fresh("text")
    for n, b in demo:
        put(d, "demo-" + n, b)
    for i, a in enumerate(ecb):
        put(d, "ecb-%02d.txt" % i, a["text"])
    put(d, "latin1.txt", "Caf\u00e9 cr\u00e8me in Z\u00fcrich, the mayor said on 3 May.\n".encode("latin-1"))
    put(d, "mixed.txt", b"Kyiv \xe2\x80\x99 ok \xff bad byte, \xc3\x28 and \xf0\x9f\x98\x80.\n")
    put(d, "quantities.txt", "More than 1,200 people were killed and nearly 2.5 million displaced. "
        "Up to 30% rose; $4.5bn, \u20ac12 million, 701 square kilometres, 3-4 days, a dozen drones, "
        "between 10 and 20 per cent, at least 30 days or longer, on Friday 12 June 2025.\n")
    put(d, "quotes.txt", "\u201cWe will win,\u201d said Jane Smith, the leader. \u201cAnd more.\u201d\n"
        "\"Straight,\" he said. \u201cOpen\n\u201cgoes on,\u201d Brown told reporters. "
        "\u00abBonjour\u00bb, a-t-il dit. \u201eJa\u201c, sagte sie.\n")

    # fuzz_align: two texts split at a NUL byte (copies and near copies).
    d = fresh("align")
    put(d, "demo-wire-pair", demo[1][1] + b"\0" + demo[3][1])
    put(d, "demo-other-pair", demo[0][1] + b"\0" + demo[4][1])
    put(d, "demo-self", demo[2][1] + b"\0" + demo[2][1])
    for i in range(0, min(len(ecb), 8), 2):
        put(d, "ecb-pair-%d" % (i // 2), (ecb[i]["text"] + "\0" + ecb[i + 1]["text"]).encode("utf-8"))

    # fuzz_reconcile: up to eight articles split at form feeds.
    d = fresh("reconcile")
    put(d, "demo-all", b"\f".join(b for _, b in demo))
    for i in range(0, min(len(ecb), 8), 2):
        put(d, "ecb-topic-%d" % (i // 2), (ecb[i]["text"] + "\f" + ecb[i + 1]["text"]).encode("utf-8"))

    # fuzz_html: pages, and the HTML inside a WARC response record.
    d = fresh("html")
    for p in PAGES_WHOLE:
        put(d, "readability-" + p + ".html", page(p))
    for p, lim in PAGES_HEAD.items():
        put(d, "readability-" + p + "-head.html", page(p, lim))
    rec = zlib.decompress(warc_members("IAH-urls-wget.warc.gz", 2, 1)[0], 31)
    body = rec.split(b"\r\n\r\n", 2)[-1]
    put(d, "warc-wget-response.html", body)

    # fuzz_ingest: the first byte picks format (b % 4: auto, txt, jsonl,
    # html) and name ((b >> 2) % 6: a.txt, b.jsonl, c.html, d,
    # 000_16b94be4e16100e7.txt, e.txt.gz).
    def sel(fmt, name):
        return bytes([(name << 2) | fmt])
    d = fresh("ingest")
    put(d, "demo-dated.txt", sel(1, 4) + demo[0][1])
    put(d, "demo-auto.txt", sel(0, 3) + demo[2][1])
    lines = []
    for i, a in enumerate(ecb[:8]):
        o = {"id": a["id"], "source": "ECB+", "title": a["text"].split("\n")[0][:80],
             "text": a["text"][:1200], "published": "2008-0%d-1%dT10:00:00Z" % (1 + i % 9, i % 10),
             "event": a["event"]}
        lines.append(json.dumps(o, ensure_ascii=(i % 2 == 0)))
    lines.append('{"id":7,"title":{"en":"T"},"published":["2025-01-02"],"text":"Typed wrong.","lang":null}')
    lines.append('{"id":"h1","url":"https://example.org/a","html":"<p>Para one.</p><p>Two.</p>"}')
    lines.append('{"id":"bad","text":"cut')
    jsonl = ("\n".join(lines) + "\n").encode("utf-8")
    put(d, "ecb.jsonl", sel(2, 1) + jsonl)
    put(d, "ecb-auto.jsonl", sel(0, 1) + b"\xef\xbb\xbf" + jsonl)
    put(d, "ecb.jsonl.gz", sel(2, 5) + gzip.compress(jsonl, mtime=0))
    put(d, "page.html", sel(3, 2) + page("003-metadata-preferred"))
    put(d, "page.html.gz", sel(0, 5) + gzip.compress(page("parsely-metadata"), mtime=0))
    put(d, "utf16le.txt", sel(0, 0) + ("\ufeff" + ecb[0]["text"][:600]).encode("utf-16-le"))
    put(d, "utf16be.txt", sel(1, 0) + ("\ufeff" + ecb[1]["text"][:600]).encode("utf-16-be"))
    put(d, "utf32le.txt", sel(0, 0) + ("\ufeff" + ecb[2]["text"][:300]).encode("utf-32-le"))
    put(d, "latin1.txt", sel(0, 0) + "Caf\u00e9 in Z\u00fcrich, 3 May.\n".encode("latin-1"))
    # Small pieces of the two WARC samples (CC0): three records, each its
    # own gzip member, and one decompressed record.
    put(d, "warc-wget-members", sel(0, 5) + b"".join(warc_members("IAH-urls-wget.warc.gz", 0, 3)))
    put(d, "warc-wget-record", sel(0, 3) + zlib.decompress(warc_members("IAH-urls-wget.warc.gz", 4, 1)[0], 31))
    bb = warc_members("IAH-20080430204825-00000-blackbook-truncated.warc.gz", 0, 2)
    put(d, "warc-heritrix-members", sel(0, 5) + b"".join(bb))
    if bb:
        put(d, "warc-heritrix-cut", sel(2, 5) + bb[-1][: len(bb[-1]) // 2])


if __name__ == "__main__":
    main()
