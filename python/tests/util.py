"""Helpers shared by the binding's tests."""
import ctypes
import os
import re
import subprocess

import aiineq
from aiineq import _lib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INCLUDE = os.path.join(ROOT, "include")


def library_file():
    """Real path of the loaded libaiineq (from /proc/self/maps)."""
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "libaiineq.so" in os.path.basename(path):
                return path
    return aiineq.library_path()


def exported_functions(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TtWi" and parts[2].startswith("aiineq_"):
            names.add(parts[2].split("@")[0])
    return names


def _split_args(args):
    out, depth, cur = [], 0, ""
    for ch in args:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return out


def c_type(decl):
    """C declaration of one parameter or return type -> ctypes type.
    Raises KeyError for a type the mapping does not know."""
    toks = [t for t in re.findall(r"[A-Za-z_]\w*|\*", decl)
            if t not in ("const", "restrict", "struct", "enum", "AIINEQ_API")]
    idents = [t for t in toks if t != "*"]
    if len(idents) >= 2 and toks[-1] != "*" and not (idents == ["unsigned", "int"]):
        toks = toks[:-1]   # parameter name
        idents = idents[:-1]
    stars = toks.count("*")
    base = " ".join(idents)
    if base in _lib.CALLBACKS and stars == 0:
        return _lib.CALLBACKS[base]
    if base.startswith("aiineq_") and base not in _lib.CALLBACKS:
        if stars == 0:
            return ctypes.c_int   # an enum by value
        return [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)][stars - 1]
    return _lib.CTYPES[base + (" " + "*" * stars if stars else "")]


def header_declarations():
    """{name: (restype, [argtypes], header)} parsed from include/*.h."""
    decls = {}
    for h in sorted(os.listdir(INCLUDE)):
        with open(os.path.join(INCLUDE, h)) as f:
            text = f.read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r"//[^\n]*", " ", text)
        text = re.sub(r"^[ \t]*#[^\n]*", " ", text, flags=re.M)
        for m in re.finditer(r"AIINEQ_API\s+([^;]*?)\b(aiineq_\w+)\s*\((.*?)\)\s*;", text,
                             re.S):
            ret, name, args = m.group(1), m.group(2), m.group(3)
            argl = [] if args.strip() in ("", "void") else _split_args(args)
            decls[name] = (ret.strip(), [a.strip() for a in argl], h)
    return decls
