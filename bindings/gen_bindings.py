#!/usr/bin/env python3
"""Generate the parts of the SWIG bindings that follow from the C headers.

    gen_bindings.py OUTDIR INCLUDEDIR LIBARMOEDE.a

reads include/armoede.h and every family header it includes and writes:

  OUTDIR/armoede_gen.i    %ignore for every ARMOEDE_API function declared but
                          not (yet) defined in the library (so that the
                          extension links while a family is being written),
                          one AMB_OPTIONS(T) per options struct (the typemaps
                          that turn a dict / named list into T), the
                          %include of armoede.h and of every family header;
  OUTDIR/amb_fields.h     a field table per options struct (name, kind,
                          offset, the size_t count of arrays, the nested
                          struct), read by the generic converters in
                          armoede.i;
  OUTDIR/amb_constants.h  the integer constants (#define and enum) for R;
  OUTDIR/armoede_api.txt  every public function, one a line, "name implemented"
                          (0/1): the list the coverage tests check;
  OUTDIR/armoede_docs.json  the header comment of every function (docstrings);
  OUTDIR/armoede_api_types.json  function -> the options struct it takes.

Nothing here knows a particular function or struct: a new C function or
options struct is wrapped by rebuilding.
"""
import os
import re
import subprocess
import sys


def strip_comments(s):
    s = re.sub(r"/\*.*?\*/", " ", s, flags=re.S)
    return re.sub(r"//[^\n]*", " ", s)


def headers(incdir):
    main = os.path.join(incdir, "armoede.h")
    text = open(main, encoding="utf-8").read()
    fams = re.findall(r'#include\s+"(armoede_\w+\.h)"', text)
    return ["armoede.h"] + fams


def functions(text):
    text = strip_comments(text)
    return re.findall(r"ARMOEDE_API\s+[^;{]*?\b(armoede_\w+)\s*\(", text)


KIND_SCALAR = {
    "unsigned int": "AMB_UINT", "unsigned": "AMB_UINT", "int": "AMB_INT",
    "unsigned long": "AMB_ULONG", "int32_t": "AMB_I32", "double": "AMB_DOUBLE",
    "char": "AMB_CHAR", "size_t": "AMB_SIZE",
}
KIND_ARRAY = {
    "const char *const *": "AMB_STRS", "const double *": "AMB_DOUBLES",
    "const int *": "AMB_INTS", "const int32_t *": "AMB_I32S", "const armoede_type *": "AMB_INTS_E",
}


def structs(text, enums):
    """typedef struct armoede_X { fields } armoede_X; -> [(name, [(ctype, field)])]."""
    text = strip_comments(text)
    out = []
    for m in re.finditer(r"typedef\s+struct\s+(armoede_\w+)\s*\{(.*?)\}\s*(armoede_\w+)\s*;", text, re.S):
        name, body = m.group(1), m.group(2)
        fields = []
        for decl in body.split(";"):
            decl = " ".join(decl.split())
            if not decl:
                continue
            # "int age_min, age_max" -> two fields of type int
            if "(" in decl or "[" in decl:  # function pointers, arrays: not converted
                fields.append(("?" + decl, re.sub(r"\W+", "_", decl)[-40:]))
                continue
            parts = decl.split(",")
            first = parts[0]
            mm = re.match(r"(.*?)(\w+)$", first)
            if not mm:
                continue
            ctype = mm.group(1).strip()
            names = [mm.group(2)] + [p.strip() for p in parts[1:]]
            ctype = re.sub(r"\s*\*\s*", " *", ctype).replace("* const", "*const").strip()
            ctype = ctype.replace(" *const *", " *const *")
            for n in names:
                fields.append((ctype, n))
        out.append((name, fields))
    return out


def kind_of(ctype, snames, enums):
    t = ctype.replace(" *", "*").replace("*", " *").strip()
    t = " ".join(t.split())
    norm = t.replace(" *const *", " *const *")
    if norm in ("const char *",):
        return "AMB_STR", None
    if norm in ("const char *const *",):
        return "AMB_STRS", None
    for k, v in KIND_ARRAY.items():
        if norm == " ".join(k.replace("*", " *").split()).replace("* const", "*const"):
            return v, None
    if norm in KIND_SCALAR:
        return KIND_SCALAR[norm], None
    if norm in enums:
        return "AMB_INT", None
    if norm == "const armoede_table *":
        return "AMB_TABLE", None
    if norm == "const armoede_norms *":
        return "AMB_NORMS", None
    m = re.match(r"const (armoede_\w+) \*$", norm)
    if m and m.group(1) in snames:
        return "AMB_PSTRUCT", m.group(1)  # one nested struct or an array of them (has a count)
    if norm in snames:
        return "AMB_STRUCT", norm
    return None, None  # a type the converters do not know: the field keeps its default


def main():
    outdir, incdir, lib = sys.argv[1], sys.argv[2], sys.argv[3]
    hs = headers(incdir)
    text = ""
    for h in hs:
        text += open(os.path.join(incdir, h), encoding="utf-8").read() + "\n"
    funcs = []
    for f in functions(text):
        if f not in funcs:
            funcs.append(f)
    nm = subprocess.run(["nm", "-g", "--defined-only", lib], capture_output=True, text=True, check=True)
    defined = set(re.findall(r"^\w+\s+[TDRB]\s+(armoede_\w+)$", nm.stdout, re.M))
    enums = set(re.findall(r"typedef\s+enum\s+\w+\s*\{[^}]*\}\s*(armoede_\w+)\s*;", strip_comments(text), re.S))
    sts = structs(text, enums)
    snames = {n for n, _ in sts}
    macros = set(re.findall(r"#define\s+(ARMOEDE_\w+_INIT)\b", text))
    # which structs appear as `const T *` parameters of functions (the options)
    ctext = strip_comments(text)

    h = ["/* Generated by bindings/gen_bindings.py from the public headers: do not edit. */",
         "#ifndef AMB_FIELDS_H", "#define AMB_FIELDS_H", "#include <stddef.h>", ""]
    order = []

    def visit(n, seen=()):
        if n in order:
            return
        for ctype, f in dict(sts)[n]:
            k, sub = kind_of(ctype, snames, enums)
            if k is None:
                continue
            if sub and sub != n:
                visit(sub)
        order.append(n)

    for n, _ in sts:
        visit(n)
    fdict = dict(sts)
    skipped = []  # fields the converters cannot set (listed in armoede_api.txt)
    for n in order:
        fields = fdict[n]
        macro = n.upper() + "_INIT"
        if macro in macros:
            h.append("AMB_UNUSED static const %s amb_init_%s = %s;" % (n, n, macro))
        else:
            h.append("AMB_UNUSED static const %s amb_init_%s;  /* no INIT macro: all zero */" % (n, n))
        rows = []
        for i, (ctype, f) in enumerate(fields):
            k, sub = kind_of(ctype, snames, enums)
            if f == "version" and i == 0:
                continue
            if k is None:
                skipped.append("%s.%s (%s)" % (n, f, ctype))
                continue
            count = "0"
            if k in ("AMB_STRS", "AMB_DOUBLES", "AMB_INTS", "AMB_I32S", "AMB_INTS_E", "AMB_PSTRUCT"):
                cnt = None
                for ctype2, f2 in fields[i + 1:]:
                    if ctype2 == "size_t" and f2.startswith("n_"):
                        cnt = f2
                        break
                    if kind_of(ctype2, snames, enums)[0] not in KIND_ARRAY.values() and \
                            kind_of(ctype2, snames, enums)[0] != "AMB_STRS":
                        break
                if cnt:
                    count = "offsetof(%s, %s) + 1" % (n, cnt)
                elif k != "AMB_PSTRUCT":
                    skipped.append("%s.%s (an array without a size_t n_ count)" % (n, f))
                    continue
            if k == "AMB_SIZE" and f.startswith("n_"):
                continue  # the count of an array: set from the array's length
            if sub:
                elemsz = "sizeof(%s)" % sub
            elif k in KIND_ARRAY.values():
                elemsz = "sizeof(*((%s *)0)->%s)" % (n, f)  # one element of the array
            else:
                elemsz = "0"
            rows.append('    {"%s", %s, offsetof(%s, %s), %s, %s, %s},' % (
                f, k, n, f, count, "&amb_desc_" + sub if sub else "NULL", elemsz))
        h.append("AMB_UNUSED static const amb_field amb_fields_%s[] = {" % n)
        h.extend(rows)
        h.append("};")
        h.append('AMB_UNUSED static const amb_struct amb_desc_%s = {"%s", sizeof(%s), &amb_init_%s, amb_fields_%s, %d};'
                 % (n, n, n, n, n, len(rows)))
        h.append("")
    h.append("#endif")
    hdr = "\n".join(h) + "\n"

    i = ["/* Generated by bindings/gen_bindings.py from the public headers: do not edit. */"]
    missing = [f for f in funcs if f not in defined]
    for f in missing:
        i.append("%%ignore %s;  /* declared, not in this build of libarmoede */" % f)
    for n in order:
        i.append("AMB_OPTIONS(%s)" % n)
    # opaque handles: typedef struct armoede_X armoede_X; (no body) with armoede_X_free
    for hname in re.findall(r"typedef\s+struct\s+(armoede_\w+)\s+\1\s*;", strip_comments(text)):
        if hname + "_free" in funcs:
            i.append("AMB_HANDLE(%s)" % hname)
    i.append("%include \"armoede.h\"")
    for fam in hs[1:]:
        i.append("%%include \"%s\"" % fam)
    gen_i = "\n".join(i) + "\n"
    api = "".join("%s %d\n" % (f, f in defined) for f in funcs)
    api += "".join("# field not settable from Python/R: %s\n" % x for x in skipped)
    docs = {}
    for m in re.finditer(r"(/\*\*(?:(?!\*/).)*\*/)\s*ARMOEDE_API\s+[^;{]*?\b(armoede_\w+)\s*\(", text, re.S):
        c = m.group(1)[3:-2]
        lines = [re.sub(r"^\s*\* ?", "", l).rstrip() for l in c.split("\n")]
        docs[m.group(2)] = "\n".join(l.strip() if i == 0 else l for i, l in enumerate(lines)).strip()

    import json
    # integer constants (#define ARMOEDE_X expr and enumerators) for R, whose
    # SWIG module does not wrap them: evaluated by the C compiler.
    joined = re.sub(r"\\\n", " ", text)
    consts = []
    for name, val in re.findall(r"^#define\s+(ARMOEDE_[A-Z0-9_]+)[ \t]+([^\n]+)$", joined, re.M):
        val = strip_comments(val).strip()
        if (not val or val.startswith(("{", '"')) or name.endswith(("_H", "_INIT")) or
                name in ("ARMOEDE_API", "ARMOEDE_NA_INT")):
            continue
        consts.append(name)
    for body in re.findall(r"typedef\s+enum\s+\w*\s*\{([^}]*)\}", ctext):
        for e in body.split(","):
            e = e.split("=")[0].strip()
            if e.startswith("ARMOEDE_") and not e.endswith("_"):
                consts.append(e)
    consts_h = ("/* Generated by bindings/gen_bindings.py: the integer constants of the API. */\n"
                "static const struct { const char *name; double value; } amb_constants[] = {\n" +
                "".join('    {"%s", (double)(%s)},\n' % (c, c) for c in consts) + "};\n")
    api_types = {}
    for m in re.finditer(r"ARMOEDE_API\s+[^;{]*?\b(armoede_\w+)\s*\(([^)]*)\)", ctext):
        for sn in re.findall(r"const\s+(armoede_\w+)\s*\*\s*(?:opts|cols)\b", m.group(2)):
            if sn in snames:
                api_types[m.group(1)] = sn
    for name, content in (("amb_fields.h", hdr), ("amb_constants.h", consts_h), ("armoede_gen.i", gen_i), ("armoede_api.txt", api),
                          ("armoede_docs.json", json.dumps(docs, indent=1, sort_keys=True) + "\n"),
                          ("armoede_api_types.json", json.dumps(api_types, indent=1, sort_keys=True) + "\n")):
        p = os.path.join(outdir, name)
        old = open(p).read() if os.path.exists(p) else None
        if old != content:
            with open(p, "w") as fh:
                fh.write(content)


if __name__ == "__main__":
    main()
