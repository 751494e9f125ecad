#!/usr/bin/python3
"""Prints the probe catalogue of docs/probe.md ("The probes") from the program itself:

    build/bin/rampart probe --list --json | tools/rampart/probe/probe_doc.py
    build/bin/rampart probe --list --json | tools/rampart/probe/probe_doc.py --man

(--man: the PROBES section of docs/man/rampart-probe.1, in troff.)

tools/rampart/probe/tests/catalogue_test.cpp fails when docs/probe.md and the
catalogue disagree, so run this after changing a probe and paste its output.
"""
import json
import sys


def cell(text):
    return text.replace("|", "\\|")


def troff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def man(rows):
    for r in rows:
        print(".TP")
        print(".B %s" % troff(r["id"]))
        print("%s, %s. %s%s." % (r["class"], r["safety"], troff(r["title"][0].upper() + r["title"][1:]),
                                 " (after a bind)" if r["after_bind"] else ""))
        print(".br")
        print("Sends: %s." % troff(r["sends"]))
        print(".br")
        print("Expected: %s." % troff("; or ".join(r["expected"])))
        print(".br")
        print("%s: %s" % ("Safe because" if r["safety"] == "safe" else "Not safe", troff(r["why_safe"])))


rows = [json.loads(line) for line in sys.stdin if line.strip()]
if "--man" in sys.argv[1:]:
    man(rows)
    sys.exit(0)
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
    print("- **Sends:** %s%s." % (r["sends"], " (on a connection whose EPM bind was accepted)" if r["after_bind"] else ""))
    print("- **Expected:** %s." % "; or ".join(r["expected"]))
    print("- **Lenient if:** %s." % (", ".join(r["lenient_if"])
                                     or "nothing: the probe checks that unusual but valid input is served"))
    print("- **Why it is %s:** %s" % ("safe" if r["safety"] == "safe" else "not safe", r["why_safe"]))
    print("- **Evidence:** %s\n" % r["evidence"])
