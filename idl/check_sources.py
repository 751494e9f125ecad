#!/usr/bin/env python3
"""Checks Rampart's IDL sources against the specifications they come from.

Run before the IDL compiler exists, and after, so that the files cannot drift
from the specs silently. For every .idl file under the given root it checks:

  * brackets, parentheses and braces balance (comments and strings ignored);
  * every import names a file under the root;
  * each interface has the UUID, version, base interface and [object] /
    [local] attributes that EXPECTED (below) gives, and exactly the
    procedures EXPECTED lists, in opnum order (inherited opnums counted);
  * every interface EXPECTED names exists, in the file EXPECTED names;
  * each identifier in size_is / length_is / max_is / first_is / last_is /
    switch_is / range names a parameter of the same procedure, a field of the
    same structure, or a constant;
  * the wire facts of WIRE_FACTS and FIELD_FACTS: pointer, range and
    correlation attributes that the golden captures depend on;
  * the types marked [encode, decode] are exactly PICKLED;
  * idl/README.md lists every interface UUID and every "| opnum | name |".

EXPECTED is written from the specification text (section given per entry),
not from the IDL files, so a wrong UUID or a lost procedure fails the check.
`--self-test` applies such mistakes to copies of the files and fails unless
the check catches each one.

Usage: check_sources.py IDL_ROOT [--self-test]
"""

import pathlib
import re
import sys

# name -> (file, uuid or None, version, base, attributes, procedures by opnum)
# The first opnum of an interface is the number of procedures of its bases.
EXPECTED = {
    # C706 Appendix O; [MS-RPCE] 2.2.1.2; opnum 7 is Windows' ept_map_auth.
    "ept": ("c706/epm.idl", "e1af8308-5d1f-11c9-91a4-08002b14a0fa", (3, 0), None, set(),
            ["ept_insert", "ept_delete", "ept_lookup", "ept_map", "ept_lookup_handle_free",
             "ept_inq_object", "ept_mgmt_delete", "ept_map_auth"]),
    # C706 Appendix Q.
    "mgmt": ("c706/mgmt.idl", "afa8bd80-7d8a-11c9-bef4-08002b102989", (1, 0), None, set(),
             ["rpc__mgmt_inq_if_ids", "rpc__mgmt_inq_stats", "rpc__mgmt_is_server_listening",
              "rpc__mgmt_stop_server_listening", "rpc__mgmt_inq_princ_name"]),
    # [MS-DCOM] 3.1.2.5.1, opnums 0..5.
    "IObjectExporter": ("ms-dcom/oxid.idl", "99fcfec4-5260-101b-bbcb-00aa0021347a", (0, 0),
                        None, set(),
                        ["ResolveOxid", "SimplePing", "ComplexPing", "ServerAlive",
                         "ResolveOxid2", "ServerAlive2"]),
    # [MS-DCOM] 3.1.2.5.2: opnums 0..2 reserved, 3 and 4 on the wire.
    "IRemoteSCMActivator": ("ms-dcom/remact.idl", "000001a0-0000-0000-c000-000000000046",
                            (0, 0), None, set(),
                            ["Opnum0NotUsedOnWire", "Opnum1NotUsedOnWire",
                             "Opnum2NotUsedOnWire", "RemoteGetClassObject",
                             "RemoteCreateInstance"]),
    # [MS-DCOM] 3.1.2.5.2, opnum 0.
    "IActivation": ("ms-dcom/activation.idl", "4d9f4ab8-7d1c-11cf-861e-0020af6e7c57", (0, 0),
                    None, set(), ["RemoteActivation"]),
    # [MS-DCOM] 3.1.1.5.8: local, opnums 0..2 reserved.
    "IUnknown": ("ms-dcom/unknwn.idl", "00000000-0000-0000-c000-000000000046", (0, 0), None,
                 {"object", "local"},
                 ["Opnum0NotUsedOnWire", "Opnum1NotUsedOnWire", "Opnum2NotUsedOnWire"]),
    # [MS-DCOM] 3.1.1.5.6: opnums 3..5.
    "IRemUnknown": ("ms-dcom/remunknown.idl", "00000131-0000-0000-c000-000000000046", (0, 0),
                    "IUnknown", {"object"}, ["RemQueryInterface", "RemAddRef", "RemRelease"]),
    # [MS-DCOM] 3.1.1.5.7: opnum 6.
    "IRemUnknown2": ("ms-dcom/remunknown.idl", "00000143-0000-0000-c000-000000000046", (0, 0),
                     "IRemUnknown", {"object"}, ["RemQueryInterface2"]),
    # [MS-DCOM] 1.9 (IID_IClassFactory), 3.1.2.5.2.3.2; COM's remoted CreateInstance and LockServer.
    "IClassFactory": ("ms-dcom/classfactory.idl", "00000001-0000-0000-c000-000000000046", (0, 0),
                      "IUnknown", {"object"}, ["RemoteCreateInstance", "RemoteLockServer"]),
    # Declaration-only interfaces (no procedures, no UUID).
    "ObjRefLayout": ("ms-dcom/orpc.idl", None, (0, 0), None, {"local"}, []),
    "ActivationProperties": ("ms-dcom/activation_props.idl", None, (0, 0), None, {"local"},
                             []),
}

# The types [MS-DCOM] 2.2.22 serializes with NDR type serialization.
PICKLED = {
    "CustomHeader", "InstantiationInfoData", "SpecialPropertiesData",
    "SpecialPropertiesData_Alternate", "InstanceInfoData", "ScmRequestInfoData",
    "ActivationContextInfoData", "LocationInfoData", "SecurityInfoData", "ScmReplyInfoData",
    "PropsOutInfo",
}

# (interface, procedure, parameter) -> attributes the parameter must carry,
# and ones it must not. These are the wire forms of [MS-RPCE] 2.2.1.2.4/5 and
# of Windows' ept_map_auth that tests/golden captures hold.
WIRE_FACTS = {
    ("ept", "ept_lookup", "object"): ({"in", "ptr"}, set()),
    ("ept", "ept_lookup", "Ifid"): ({"in", "ptr"}, set()),
    ("ept", "ept_lookup", "max_ents"): ({"in", "range(0,500)"}, set()),
    ("ept", "ept_lookup", "entries"): ({"out", "size_is(max_ents)", "length_is(*num_ents)"},
                                       set()),
    ("ept", "ept_map", "obj"): ({"in", "ptr"}, set()),
    ("ept", "ept_map", "map_tower"): ({"in", "ptr"}, set()),
    ("ept", "ept_map", "max_towers"): ({"in", "range(0,500)"}, set()),
    ("ept", "ept_map", "ITowers"): ({"out", "size_is(max_towers)", "length_is(*num_towers)"},
                                    {"ptr", "unique"}),
    ("ept", "ept_mgmt_delete", "object"): ({"in", "ptr"}, set()),
    ("ept", "ept_mgmt_delete", "tower"): ({"in", "ptr"}, set()),
    ("ept", "ept_map_auth", "obj"): ({"in", "ref"}, {"ptr", "unique"}),
    ("ept", "ept_map_auth", "map_tower"): ({"in", "ref"}, {"ptr", "unique"}),
    ("ept", "ept_map_auth", "sid"): ({"in", "ptr"}, set()),
    ("ept", "ept_map_auth", "max_towers"): ({"in", "range(0,500)"}, set()),
    ("IObjectExporter", "ComplexPing", "AddToSet"): ({"in", "unique", "size_is(cAddToSet)"},
                                                     set()),
    ("IActivation", "RemoteActivation", "pwszObjectName"): ({"in", "string", "unique"}, set()),
    ("IRemoteSCMActivator", "RemoteCreateInstance", "pActProperties"): ({"in", "unique"},
                                                                        set()),
}

# (structure, field) -> attributes the field must carry: the conformance and
# bounds of the EPM codec's structures (C706 Appendix N/O, [MS-DTYP] 2.4.2.3).
FIELD_FACTS = {
    ("twr_t", "tower_length"): {"range(0,twr_max_tower_octets)"},
    ("twr_t", "tower_octet_string"): {"size_is(tower_length)"},
    ("ept_entry_t", "annotation"): {"string"},
    ("RPC_SID", "SubAuthorityCount"): {"range(0,15)"},
    ("RPC_SID", "SubAuthority"): {"size_is(SubAuthorityCount)"},
    ("rpc_if_id_vector_t", "if_id"): {"size_is(count)"},
    ("ORPC_EXTENT", "data"): {"size_is((size+7)&~7)"},
    ("DUALSTRINGARRAY", "aStringArray"): {"size_is(wNumEntries)"},
    ("MInterfacePointer", "abData"): {"size_is(ulCntData)"},
}

# typedef name -> attributes its declaration must carry.
TYPE_FACTS = {"twr_p_t": {"ptr"}, "rpc_if_id_p_t": {"unique"}, "PREMQIRESULT": {"unique"}}

# The directories that hold IDL written from the specifications. Others under
# the root (test/, examples) are only import targets here.
SPEC_DIRS = ("c706/", "ms-dtyp/", "ms-rpce/", "ms-dcom/")

CORRELATIONS = ("size_is", "length_is", "max_is", "first_is", "last_is", "switch_is", "range")
KEYWORDS = {"sizeof"}


def strip_comments(text):
    """Blanks comments and string literals, keeping offsets and newlines."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append('"' + " " * (j - i - 2) + '"' if j - i >= 2 else " ")
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def check_balance(name, code, errors):
    pairs, stack = {")": "(", "]": "[", "}": "{"}, []
    for pos, ch in enumerate(code):
        if ch in "([{":
            stack.append((ch, pos))
        elif ch in ")]}":
            if not stack or stack[-1][0] != pairs[ch]:
                errors.append(f"{name}:{line_of(code, pos)}: unbalanced '{ch}'")
                return False
            stack.pop()
    if stack:
        ch, pos = stack[-1]
        errors.append(f"{name}:{line_of(code, pos)}: '{ch}' is never closed")
        return False
    return True


def matching(code, open_pos):
    """Index of the bracket closing the one at open_pos."""
    pairs, depth = {"(": ")", "[": "]", "{": "}"}, 0
    want = pairs[code[open_pos]]
    for i in range(open_pos, len(code)):
        if code[i] == code[open_pos]:
            depth += 1
        elif code[i] == want:
            depth -= 1
            if depth == 0:
                return i
    return len(code) - 1


def split_top(text, sep):
    """Splits text at sep outside any brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def leading_attrs(stmt):
    """Splits '[a, b] rest' into ({'a', 'b'} normalised, 'rest')."""
    stmt = stmt.strip()
    if not stmt.startswith("["):
        return set(), stmt
    end = matching(stmt, 0)
    attrs = {re.sub(r"\s+", "", a) for a in split_top(stmt[1:end], ",") if a.strip()}
    return attrs, stmt[end + 1:].strip()


def declared_name(decl):
    """The identifier a declarator declares: the last one, before any []."""
    decl = re.sub(r"\[[^\]]*\]\s*$", "", decl.strip())
    names = re.findall(r"[A-Za-z_]\w*", decl)
    return names[-1] if names else None


def attr_identifiers(attrs):
    """Identifiers used inside correlation and range attributes."""
    found = []
    for a in attrs:
        m = re.match(r"(\w+)\((.*)\)$", a)
        if m and m.group(1) in CORRELATIONS:
            found += [t for t in re.findall(r"[A-Za-z_]\w*", m.group(2)) if t not in KEYWORDS]
    return found


class Source:
    """What the check needs from one file."""

    def __init__(self, name, text):
        self.name, self.text = name, text
        self.code = strip_comments(text)
        self.imports = re.findall(r'\bimport\s+"([^"]+)"\s*;', text)
        self.consts = set(re.findall(r"\bconst\s+[\w\s]+?\b(\w+)\s*=", self.code))
        self.consts |= set(re.findall(r"\b(\w+)\s*=\s*0x[0-9a-fA-F]+\s*,?", self.code))
        self.interfaces = {}
        self.types = []  # (name, attrs, struct fields or None, line)


def parse_typedef(src, stmt, offset, errors, scope_consts):
    attrs, rest = leading_attrs(stmt[len("typedef"):])
    body_fields = None
    if "{" in rest:
        open_pos = rest.index("{")
        close = matching(rest, open_pos)
        fields = [f for f in split_top(rest[open_pos + 1:close], ";") if f.strip()]
        body_fields = []
        for f in fields:
            fattrs, decl = leading_attrs(f)
            body_fields.append((declared_name(decl), fattrs))
        tail = rest[close + 1:]
    else:
        tail = rest
    names = [declared_name(d) for d in split_top(tail, ",") if declared_name(d)]
    line = line_of(src.code, offset)
    for n in names:
        src.types.append((n, attrs, body_fields, line))
    if body_fields is not None:
        known = {f for f, _ in body_fields} | scope_consts
        for fname, fattrs in body_fields:
            for ident in attr_identifiers(fattrs):
                if ident not in known:
                    errors.append(f"{src.name}:{line}: {names[0] if names else '?'}.{fname}: "
                                  f"'{ident}' is no field of the structure and no constant")


def parse_operation(src, iface, stmt, offset, errors, scope_consts):
    attrs, rest = leading_attrs(stmt)
    paren = rest.find("(")
    if paren < 0:
        errors.append(f"{src.name}:{line_of(src.code, offset)}: cannot read '{rest[:40]}'")
        return
    name = declared_name(rest[:paren])
    close = matching(rest, paren)
    params = []
    for p in split_top(rest[paren + 1:close], ","):
        if not p.strip() or p.strip() == "void":
            continue
        pattrs, decl = leading_attrs(p)
        params.append((declared_name(decl), pattrs))
    known = {p for p, _ in params} | scope_consts
    for pname, pattrs in params:
        for ident in attr_identifiers(pattrs):
            if ident not in known:
                errors.append(f"{src.name}:{line_of(src.code, offset)}: {name}({pname}): "
                              f"'{ident}' is no parameter and no constant")
    iface["procs"].append((name, dict(params)))


def parse_source(src, errors, all_consts):
    if not check_balance(src.name, src.code, errors):
        return
    head = re.compile(r"\[([^\[\]]*)\]\s*interface\s+(\w+)\s*(?::\s*(\w+))?\s*\{")
    spans = []
    for m in head.finditer(src.code):
        close = matching(src.code, m.end() - 1)
        spans.append((m.start(), close))
        raw = src.text[m.start(1):m.end(1)]
        attrs = {re.sub(r"\s+", "", a) for a in split_top(raw, ",") if a.strip()}
        uuid = re.search(r'uuid\(\s*"?([0-9A-Fa-f-]+)"?\s*\)', raw)
        version = re.search(r"version\(\s*(\d+)(?:\.(\d+))?\s*\)", raw)
        iface = {
            "line": line_of(src.code, m.start()),
            "uuid": uuid.group(1).lower() if uuid else None,
            "version": (int(version.group(1)), int(version.group(2) or 0)) if version else (0, 0),
            "base": m.group(3),
            "flags": {a for a in attrs if a in ("object", "local")},
            "procs": [],
        }
        src.interfaces[m.group(2)] = iface
        body_start = m.end()
        for stmt, off in statements(src.code, body_start, close):
            parse_statement(src, iface, stmt, off, errors, all_consts)
    # File-scope typedefs outside every interface.
    pos = 0
    for start, end in spans + [(len(src.code), len(src.code))]:
        for stmt, off in statements(src.code, pos, start):
            if stmt.startswith("typedef"):
                parse_typedef(src, stmt, off, errors, all_consts)
        pos = end + 1


def statements(code, start, end):
    """(statement, offset) pairs between start and end, split at top-level ';'."""
    depth, begin = 0, start
    for i in range(start, end):
        ch = code[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == ";" and depth == 0:
            stmt = code[begin:i].strip()
            if stmt:
                yield stmt, begin + (len(code[begin:i]) - len(code[begin:i].lstrip()))
            begin = i + 1
    # A trailing '[attrs] interface X {' head is not a statement of this span.


def parse_statement(src, iface, stmt, off, errors, consts):
    if stmt.startswith("typedef"):
        parse_typedef(src, stmt, off, errors, consts)
    elif stmt.startswith(("const", "import", "cpp_quote")):
        return
    else:
        parse_operation(src, iface, stmt, off, errors, consts)


def opnum_base(name, interfaces, seen=()):
    base = interfaces.get(name, {}).get("base")
    if not base or base in seen or base not in interfaces:
        return 0
    return opnum_base(base, interfaces, seen + (name,)) + len(interfaces[base]["procs"])


def check_tree(files, readme):
    """files: {relative path: text}. Returns a list of error strings."""
    errors = []
    sources = {name: Source(name, text) for name, text in sorted(files.items())
               if name.startswith(SPEC_DIRS)}
    all_consts = set().union(*(s.consts for s in sources.values())) if sources else set()
    for src in sources.values():
        for imp in src.imports:
            if imp not in files:
                errors.append(f"{src.name}: import \"{imp}\" names no file under the IDL root")
        parse_source(src, errors, all_consts)
    interfaces, where = {}, {}
    for src in sources.values():
        for name, iface in src.interfaces.items():
            if name in interfaces:
                errors.append(f"{src.name}:{iface['line']}: interface {name} declared twice")
            interfaces[name], where[name] = iface, src.name
    check_interfaces(interfaces, where, errors)
    check_types(sources, errors)
    check_readme(readme, errors)
    return errors


def check_interfaces(interfaces, where, errors):
    for name, (file, uuid, version, base, flags, procs) in EXPECTED.items():
        iface = interfaces.get(name)
        if iface is None:
            errors.append(f"{file}: interface {name} is missing")
            continue
        at = f"{where[name]}:{iface['line']}: {name}"
        if where[name] != file:
            errors.append(f"{at}: expected in {file}")
        if iface["uuid"] != uuid:
            errors.append(f"{at}: uuid {iface['uuid']}, the spec says {uuid}")
        if iface["version"] != version:
            errors.append(f"{at}: version {iface['version']}, the spec says {version}")
        if iface["base"] != base:
            errors.append(f"{at}: derives from {iface['base']}, the spec says {base}")
        if iface["flags"] != flags:
            errors.append(f"{at}: attributes {sorted(iface['flags'])}, expected {sorted(flags)}")
        first = opnum_base(name, interfaces)
        got = [p for p, _ in iface["procs"]]
        for i in range(max(len(got), len(procs))):
            want_p = procs[i] if i < len(procs) else None
            got_p = got[i] if i < len(got) else None
            if want_p != got_p:
                errors.append(f"{at}: opnum {first + i} is {got_p or 'missing'}, "
                              f"the spec says {want_p or 'nothing'}")
    for name in interfaces:
        if name not in EXPECTED:
            errors.append(f"{where[name]}: interface {name} is not in the expected table")
    for (iname, proc, param), (must, must_not) in WIRE_FACTS.items():
        procs = dict(interfaces.get(iname, {}).get("procs", []))
        attrs = procs.get(proc, {}).get(param)
        if attrs is None:
            errors.append(f"{iname}.{proc}: parameter {param} is missing")
            continue
        for a in sorted(must - attrs):
            errors.append(f"{iname}.{proc}({param}): needs [{a}] for its wire form")
        for a in sorted(must_not & attrs):
            errors.append(f"{iname}.{proc}({param}): [{a}] changes its wire form")


def check_types(sources, errors):
    pickled, declared = set(), {}
    for src in sources.values():
        for name, attrs, _, line in src.types:
            declared[name] = (attrs, f"{src.name}:{line}")
            if {"encode", "decode"} <= attrs:
                pickled.add(name)
            elif attrs & {"encode", "decode"}:
                errors.append(f"{src.name}:{line}: {name} has only one of [encode, decode]")
    for name in sorted(PICKLED - pickled):
        errors.append(f"{declared.get(name, (None, 'idl'))[1]}: {name} must be [encode, decode]")
    for name in sorted(pickled - PICKLED):
        errors.append(f"{declared[name][1]}: {name} is [encode, decode] but [MS-DCOM] 2.2.22 "
                      "does not serialize it")
    fields = {n: dict(f) for src in sources.values() for n, _, f, _ in src.types if f}
    for (struct, field), must in FIELD_FACTS.items():
        attrs = fields.get(struct, {}).get(field)
        if attrs is None:
            errors.append(f"{struct}.{field} is missing")
        elif must - attrs:
            errors.append(f"{struct}.{field}: needs {sorted(must - attrs)}")
    for name, must in TYPE_FACTS.items():
        if name not in declared:
            errors.append(f"typedef {name} is missing")
        elif must - declared[name][0]:
            errors.append(f"{declared[name][1]}: {name} needs {sorted(must)}")


def check_readme(readme, errors):
    if readme is None:
        errors.append("README.md: missing")
        return
    rows = set(re.findall(r"^\|\s*(\d+)\s*\|\s*`?(\w+)`?\s*\|", readme, re.M))
    for name, (_, uuid, _, base, _, procs) in EXPECTED.items():
        if uuid and uuid not in readme.lower():
            errors.append(f"README.md: {name}'s uuid {uuid} is not listed")
        first = 0
        chain = base
        while chain:
            first += len(EXPECTED[chain][5])
            chain = EXPECTED[chain][3]
        for i, proc in enumerate(procs):
            if (str(first + i), proc) not in rows:
                errors.append(f"README.md: no row '| {first + i} | {proc} |'")


def load(root):
    files = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.idl")}
    readme = root / "README.md"
    return files, readme.read_text() if readme.exists() else None


def mutations(files):
    """(description, changed files) pairs, each a mistake the check must catch."""
    def edit(path, old, new, count=1):
        changed = dict(files)
        if old not in changed[path]:
            raise SystemExit(f"self-test: '{old}' not found in {path}")
        changed[path] = changed[path].replace(old, new, count)
        return changed

    epm, act = "c706/epm.idl", "ms-dcom/activation_props.idl"
    text = files[epm]
    start = text.index("    void ept_map_auth(")
    end = text.index(");", start) + 2
    without_auth = dict(files, **{epm: text[:start] + text[end:]})
    a = text.index("    void ept_lookup_handle_free(")
    b = text.index(");", a) + 2
    c = text.index("    void ept_inq_object(")
    d = text.index(");", c) + 2
    swapped = text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]
    return [
        ("a wrong interface UUID", edit(epm, "e1af8308-5d1f", "e1af8309-5d1f")),
        ("a wrong version", edit(epm, "version(3.0)", "version(3.1)")),
        ("a missing procedure", without_auth),
        ("two procedures in the wrong opnum order", dict(files, **{epm: swapped})),
        ("an unclosed brace", edit(epm, "    } ept_entry_t;", "    ept_entry_t;")),
        ("a [ptr] parameter turned [ref]", edit(epm, "[in, ptr] UUID* obj,", "[in] UUID* obj,")),
        ("a lost [range]", edit(epm, "[in, range(0, 500)] unsigned long max_ents",
                                "[in] unsigned long max_ents")),
        ("a size_is naming nothing", edit("c706/mgmt.idl", "size_is(*count)", "size_is(*cnt)")),
        ("a type no longer pickled", edit(act, "typedef [encode, decode] struct tagPropsOutInfo",
                                          "typedef struct tagPropsOutInfo")),
        ("an import of a missing file", edit("ms-dcom/oxid.idl", '"ms-dcom/orpc.idl"',
                                             '"ms-dcom/orpcx.idl"')),
        ("a tower without its bound", edit("c706/nbase.idl",
                                           "[range(0, twr_max_tower_octets)] unsigned32",
                                           "unsigned32")),
        ("a wrong DCOM IID", edit("ms-dcom/remunknown.idl", "00000143-", "00000144-")),
        ("an object interface without its base", edit("ms-dcom/remunknown.idl",
                                                      "interface IRemUnknown2 : IRemUnknown",
                                                      "interface IRemUnknown2")),
    ]


def self_test(root):
    files, readme = load(root)
    base = check_tree(files, readme)
    if base:
        print("self-test: the unchanged sources already fail:\n  " + "\n  ".join(base))
        return 1
    failed = 0
    for what, changed in mutations(files):
        errs = check_tree(changed, readme)
        print(f"{'caught' if errs else 'MISSED'}: {what}" + (f" ({errs[0]})" if errs else ""))
        failed += not errs
    readme_errs = check_tree(files, readme.replace("| 7 | ept_map_auth |", "| 7 | x |"))
    print(f"{'caught' if readme_errs else 'MISSED'}: a README opnum row that differs")
    failed += not readme_errs
    return 1 if failed else 0


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    root = pathlib.Path(argv[1])
    if "--self-test" in argv[2:]:
        return self_test(root)
    files, readme = load(root)
    errors = check_tree(files, readme)
    for e in errors:
        print(e)
    count = sum(len(e[5]) for e in EXPECTED.values())
    print(f"{len(files)} files, {len(EXPECTED)} interfaces, {count} procedures: "
          f"{'OK' if not errors else f'{len(errors)} errors'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
