#!/usr/bin/python3
"""Checks `rampart probe --format jsonl` reports against what each peer is known to do.

    probe_check.py plants                 print the flaws to plant in lenient_epm.py
    probe_check.py auth-probes            print the ids of the authenticated probes
    probe_check.py KIND REPORT.jsonl      check a report; KIND is rampartd, rampartd-wrong-password,
                                          rampartd-nofloor, samba, fake-clean, fake-planted,
                                          fake-auth, fake-crash or fake-stop

Exit status 0 when the report matches, 1 otherwise; every probe is listed.
"""
import json
import sys

# rampartd must be correct on every probe. These are its known gaps; they are
# reported as expected failures (XFAIL), and one that starts passing is
# reported (XPASS) so the entry can be removed. Any other non-correct verdict
# fails the test.
RAMPARTD_KNOWN_GAPS = {
}

# Samba 4.17 (samba-dcerpcd + rpcd_epmapper): correct except these.
SAMBA_KNOWN = {
    "c7.tower-length-mismatch": "lenient",  # reads the tower by tower_length, ignores the conformance
    "c7.lookup-max-ents-over-range": "lenient",  # no [range(0,500)] on max_ents
    "c6.unknown-assoc-group": "divergent",  # closes instead of bind_nak
}

# rampartd with [dcom] activation_floor = "none" (a test configuration): the
# activation shapes reach the parser and get their own faults; the floor
# probe finds the floor that was lowered.
RAMPARTD_NOFLOOR_KNOWN = {"dcom.activation-below-floor": "lenient"}
# Specific faults the activation shapes get once they pass the floor.
RAMPARTD_NOFLOOR_CODES = {
    "dcom.objref-no-meow": 0x8001011D,  # RPC_E_INVALID_OBJREF
    "dcom.custom-header-sizes": 0x80070057,  # E_INVALIDARG
    "dcom.null-act-properties": 0x80070057,
}

# Each flaw lenient_epm.py can plant, and the probes that must find it.
PLANTS = {
    "header-only": ["c1.frag-below-ptype-min"],
    "version": ["c1.version-minor", "c1.version-major"],
    "request-before-bind": ["c1.request-before-bind"],
    "auth-length": ["c4.bind-auth-length-lies"],
    "no-contexts": ["c6.no-contexts"],
    "no-transfer": ["c6.no-transfer-syntaxes"],
    "second-bind": ["c6.second-bind"],
    "alter-empty": ["c6.alter-no-contexts"],
    "assoc-group": ["c6.unknown-assoc-group"],
    "strict-flags": ["c6.bind-ignored-flags"],
    "frag-above-max": ["c1.frag-above-max-recv"],
    "alloc-hint": ["c2.alloc-hint-over-cap"],
    "fragments": ["c3.middle-fragment-alone", "c3.last-fragment-alone", "c3.first-twice", "c3.interleaved-call"],
    "request-auth-length": ["c4.request-auth-length-lies", "c4.request-auth-length-past-frag"],
    "context-id": ["c6.unknown-context-id"],
    "opnum": ["epm.opnum-out-of-range"],
    "tower": ["c7.tower-length-mismatch"],
    "truncated": ["c10.truncated-ept-map"],
    "max-ents": ["c7.lookup-max-ents-over-range"],
    "handle": ["epm.bogus-lookup-handle"],
    "fragment-identity": ["c3.fragment-changes-opnum"],
    "redefine-context": ["c6.context-redefined"],
    "any-ptype": ["c1.ptype-from-server"],
    "princ-name": ["c8.princ-name-no-room"],
    "freed-handle": ["c15.lookup-handle-after-free"],
    "walk-restart": ["c15.lookup-handle-after-walk"],
    "shared-handles": ["c15.lookup-handle-other-association"],
    "dcom-floor": ["dcom.activation-below-floor"],
    "dcom-version": ["dcom.comversion-mismatch"],
    "dcom-objref": ["dcom.objref-no-meow"],
    "dcom-sizes": ["dcom.custom-header-sizes"],
    "dcom-cntdata": ["dcom.cntdata-beyond-data"],
    "dcom-null": ["dcom.null-act-properties"],
    "dcom-oxid": ["dcom.unknown-oxid"],
    "dcom-name": ["dcom.blaster-object-name"],
}
# The probes that run only with credentials (-U), after an NTLM bind. The
# planted fake is probed without credentials: there they are not applicable;
# rampartd and Samba are probed with credentials, and so is a fake of its own
# with the plant auth-ignored (it acknowledges an NTLM bind and then checks no
# verifier), where each must be a finding.
AUTH_PROBES = {"c5.request-other-auth-context", "c17.tampered-signature", "c4.auth-pad-over-stub", "c17.second-auth3"}

# Probes no plant in the planted instance covers: the flood and the remote
# stop each have an instance of their own (both end the server); the other
# unsafe ones are checked against the clean fake.
NOT_PLANTED = {"c13.context-flood", "c14.remote-stop-listening", "c1.frag-below-header", "c2.alloc-hint-huge"} | AUTH_PROBES


def load(path):
    with open(path) as f:
        hosts = [json.loads(line) for line in f if line.strip()]
    if len(hosts) != 1:
        raise SystemExit(f"{path}: expected one host, got {len(hosts)}")
    return hosts[0]


class Check:
    def __init__(self, kind):
        self.kind = kind
        self.failed = False

    def ok(self, msg):
        print(f"{self.kind}: ok: {msg}")

    def fail(self, msg):
        print(f"{self.kind}: FAIL: {msg}")
        self.failed = True


def verdicts(host):
    return {p["id"]: p for p in host["probes"]}


def is_dcom(pid):
    return pid.startswith("dcom.")


def check_dcom_offered(c, host, offered):
    dcom = host["baseline"].get("dcom", {})
    if dcom.get("offered") != offered:
        c.fail(f"baseline dcom {dcom}, expected offered={offered}")
    else:
        c.ok(f"ServerAlive2: {dcom}")
    if not any(is_dcom(pid) for pid in verdicts(host)):
        c.fail("no DCOM probe ran")


def check_rampartd(c, host):
    check_dcom_offered(c, host, True)
    check_auth_ran(c, host)
    fp = host["fingerprint"]
    if fp["family"] != "rampartd" or fp["confidence"] != "high":
        c.fail(f"fingerprint {fp}")
    else:
        c.ok(f"fingerprint rampartd ({fp['confidence']}): {'; '.join(fp['evidence'])}")
    for pid, p in verdicts(host).items():
        v, text = p["verdict"], p["reaction"]["text"]
        if pid in RAMPARTD_KNOWN_GAPS:
            if v == "correct":
                print(f"{c.kind}: XPASS: {pid} is now correct; remove it from RAMPARTD_KNOWN_GAPS")
            else:
                print(f"{c.kind}: XFAIL: {pid} {v}: {text} (known: {RAMPARTD_KNOWN_GAPS[pid]})")
        elif v == "correct":
            c.ok(f"{pid}: {text}")
        else:
            c.fail(f"{pid} {v}: {p['reason']}")


def check_auth_ran(c, host):
    ran = AUTH_PROBES & set(verdicts(host))
    if ran != AUTH_PROBES:
        c.fail(f"authenticated probes missing: {sorted(AUTH_PROBES - ran)}")


def check_wrong_password(c, host):
    got = verdicts(host)
    for pid in sorted(AUTH_PROBES & set(got)):
        p = got[pid]
        if p["verdict"] == "inconclusive" and "refused" in p["reason"]:
            c.ok(f"{pid} inconclusive: {p['reason']}")
        else:
            c.fail(f"{pid} {p['verdict']} with a wrong password, expected inconclusive: {p['reason']}")
    if not AUTH_PROBES & set(got):
        c.fail("no authenticated probe ran")


def check_rampartd_nofloor(c, host):
    check_dcom_offered(c, host, True)
    for pid, p in verdicts(host).items():
        if not is_dcom(pid):
            continue
        want = RAMPARTD_NOFLOOR_KNOWN.get(pid, "correct")
        code = RAMPARTD_NOFLOOR_CODES.get(pid)
        if p["verdict"] != want:
            c.fail(f"{pid} {p['verdict']}, expected {want}: {p['reason']}")
        elif code is not None and p["reaction"]["code"] != code:
            c.fail(f"{pid}: {p['reaction']['text']}, expected the fault 0x{code:08x} past the floor")
        else:
            c.ok(f"{pid} {want}: {p['reaction']['text']}")


def check_samba(c, host):
    check_dcom_offered(c, host, False)
    check_auth_ran(c, host)
    fp = host["fingerprint"]
    if fp["family"] != "Samba" or fp["confidence"] != "high":
        c.fail(f"fingerprint {fp}")
    else:
        c.ok(f"fingerprint Samba {fp['version']} ({fp['confidence']})")
    for pid, p in verdicts(host).items():
        # Samba's epmapper offers no DCOM: its probes are not sent.
        want = SAMBA_KNOWN.get(pid, "not-applicable" if is_dcom(pid) else "correct")
        if p["verdict"] == want:
            c.ok(f"{pid} {want}: {p['reaction']['text']}")
        else:
            c.fail(f"{pid} {p['verdict']}, expected {want}: {p['reason']}")


def check_clean(c, host):
    check_dcom_offered(c, host, True)
    if host["fingerprint"]["family"] != "unknown":
        c.fail(f"an empty map must not be fingerprinted: {host['fingerprint']}")
    for pid, p in verdicts(host).items():
        if pid in AUTH_PROBES:  # no credentials given
            if p["verdict"] == "not-applicable":
                c.ok(f"{pid} not applicable without credentials")
            else:
                c.fail(f"{pid} {p['verdict']} without credentials: {p['reason']}")
        elif p["verdict"] == "correct":
            c.ok(f"{pid}: {p['reaction']['text']}")
        else:
            c.fail(f"{pid} {p['verdict']}: {p['reason']}")


def check_planted(c, host):
    got = verdicts(host)
    covered = {pid for ids in PLANTS.values() for pid in ids}
    missing = set(got) - covered - NOT_PLANTED
    if missing:
        c.fail(f"probes with no planted flaw: {sorted(missing)}")
    for plant, ids in PLANTS.items():
        for pid in ids:
            p = got.get(pid)
            if p is None:
                c.fail(f"{pid} (plant {plant}) did not run")
            elif p["verdict"] in ("lenient", "divergent", "vulnerable-pattern"):
                c.ok(f"plant {plant} found by {pid}: {p['verdict']} ({p['reaction']['text']})")
            else:
                c.fail(f"plant {plant} missed by {pid}: {p['verdict']} ({p['reason']})")
    if not host["finding"]:
        c.fail("the host is not marked as having a finding")


def check_fake_auth(c, host):
    got = verdicts(host)
    for pid in sorted(AUTH_PROBES):
        p = got.get(pid)
        if p is None:
            c.fail(f"{pid} (plant auth-ignored) did not run")
        elif p["verdict"] in ("lenient", "divergent", "vulnerable-pattern"):
            c.ok(f"plant auth-ignored found by {pid}: {p['verdict']} ({p['reaction']['text']})")
        else:
            c.fail(f"plant auth-ignored missed by {pid}: {p['verdict']} ({p['reason']})")


def check_crash(c, host):
    p = verdicts(host).get("c13.context-flood")
    if p and p["verdict"] == "vulnerable-pattern" and p.get("alive_after") is False:
        c.ok(f"c13.context-flood vulnerable-pattern: {p['reason']}")
    else:
        c.fail(f"c13.context-flood: {p}")
    if host["fingerprint"]["confidence"] != "none":
        c.fail(f"fingerprint {host['fingerprint']}")


def check_stop(c, host):
    p = verdicts(host).get("c14.remote-stop-listening")
    if p and p["verdict"] == "vulnerable-pattern" and p["reaction"]["kind"] == "response" and p["reaction"]["code"] == 0:
        c.ok(f"c14.remote-stop-listening vulnerable-pattern: {p['reason']}")
    else:
        c.fail(f"c14.remote-stop-listening: {p}")


def main():
    if sys.argv[1:] == ["plants"]:
        print(" ".join(PLANTS))
        return 0
    if sys.argv[1:] == ["auth-probes"]:
        print(" ".join(sorted(AUTH_PROBES)))
        return 0
    kind, path = sys.argv[1], sys.argv[2]
    c = Check(kind)
    host = load(path)
    {"rampartd": check_rampartd, "rampartd-wrong-password": check_wrong_password, "rampartd-nofloor": check_rampartd_nofloor, "samba": check_samba, "fake-clean": check_clean,
     "fake-planted": check_planted, "fake-auth": check_fake_auth, "fake-crash": check_crash, "fake-stop": check_stop}[kind](c, host)
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
