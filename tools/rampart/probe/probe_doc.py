#!/usr/bin/python3
"""Prints the probe catalogue of docs/probe.md ("The probes") from the program itself:

    build/bin/rampart probe --list --json | tools/rampart/probe/probe_doc.py
    build/bin/rampart probe --list --json | tools/rampart/probe/probe_doc.py --man

(--man: the PROBES section of docs/man/rampart-probe.1, in troff.)
With --update ROOT, both generated parts are replaced in place between their
"probes:begin" and "probes:end" markers under the source tree ROOT.

tools/rampart/probe/tests/catalogue_test.cpp fails when docs/probe.md and the
catalogue disagree, so run this after changing a probe and paste its output.
"""
import contextlib
import io
import json
import re
import sys


def cell(text):
    return text.replace("|", "\\|")


def troff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def when(r):
    if r.get("needs_dcom"):
        return " (after a bind; only to a host that answered ServerAlive2)"
    return " (after a bind)" if r["after_bind"] else ""


def sent_when(r):
    if r.get("needs_dcom"):
        return " (on a connection whose EPM bind was accepted, only to a host that answered ServerAlive2)"
    return " (on a connection whose EPM bind was accepted)" if r["after_bind"] else ""


def man(rows):
    for r in rows:
        print(".TP")
        print(".B %s" % troff(r["id"]))
        print("%s, %s. %s%s." % (r["class"], r["safety"], troff(r["title"][0].upper() + r["title"][1:]),
                                 when(r)))
        print(".br")
        print("Sends: %s." % troff(r["sends"]))
        print(".br")
        print("Expected: %s." % troff("; or ".join(r["expected"])))
        print(".br")
        print("%s: %s" % ("Safe because" if r["safety"] == "safe" else "Not safe", troff(r["why_safe"])))


def markdown(rows):
    print("| id | class | safety | sends | expected reaction | lenient if |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print("| `%s` | %s | %s | %s | %s | %s |" % (
            r["id"], r["class"], r["safety"], cell(r["sends"]), cell("; or ".join(r["expected"])),
            cell(", ".join(r["lenient_if"]) or "-")))
    print()
    for r in rows:
        print("### `%s` (%s, %s)\n" % (r["id"], r["class"], r["safety"]))
        print("%s%s.\n" % (r["title"][0].upper(), r["title"][1:]))
        print("- **Sends:** %s%s." % (r["sends"], sent_when(r)))
        print("- **Expected:** %s." % "; or ".join(r["expected"]))
        print("- **Lenient if:** %s." % (", ".join(r["lenient_if"])
                                         or "nothing: the probe checks that unusual but valid input is served"))
        print("- **Why it is %s:** %s" % ("safe" if r["safety"] == "safe" else "not safe", r["why_safe"]))
        print("- **Evidence:** %s\n" % r["evidence"])


def captured(fn, rows):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        fn(rows)
    return out.getvalue()


def splice(path, begin, end, text):
    with open(path) as f:
        old = f.read()
    pattern = re.compile("(" + re.escape(begin) + r"[^\n]*\n).*?(" + re.escape(end) + ")", re.S)
    new, n = pattern.subn(lambda m: m.group(1) + text + m.group(2), old)
    if n != 1:
        sys.exit("%s: markers not found" % path)
    with open(path, "w") as f:
        f.write(new)


rows = [json.loads(line) for line in sys.stdin if line.strip()]
args = sys.argv[1:]
if args[:1] == ["--update"] and len(args) == 2:
    root = args[1]
    splice(root + "/docs/probe.md", "<!-- probes:begin", "<!-- probes:end -->", captured(markdown, rows))
    splice(root + "/docs/man/rampart-probe.1", '.\\" probes:begin', '.\\" probes:end', captured(man, rows))
elif args == ["--man"]:
    man(rows)
else:
    markdown(rows)
