#!/usr/bin/python3
"""apidoc.py -- docs/api.md is the single source of the per-function reference.

Subcommands (standard library only; run with Debian's /usr/bin/python3):

  man OUTDIR [--lib SO]   write one section-3 man page per documented function
                          (the first name of a section gets the page, the
                          others a `.so` link) plus the aiineq(3) overview.
                          With --lib, each page's VERSIONS section names the
                          symbol version node the library exports it under.
  check --lib SO [--man OUTDIR]
                          fail when an exported function has no docs/api.md
                          section (or no man page in OUTDIR), when a section's
                          heading names a function its synopsis does not
                          declare, or when a page draws warnings from groff.
  symbols --lib SO        rewrite docs/symbols.md (which release introduced
                          each public function) from the library's version
                          nodes, keeping the "since" of symbols already listed.

The format of a function section in docs/api.md:

    ### aiineq_foo, aiineq_foo_free — create and free a foo
                                           (one or more names; the optional
                                           text after " — " is the NAME line)
    ```c
    int aiineq_foo(...);                   (synopsis: every name declared)
    ```
    Prose (markdown).  A sentence or paragraph starting "Errors:" lists the
    status codes; one starting "Returns:" overrides the generic RETURN VALUE.
    ```c
    example code                           (last code block: the EXAMPLE)
    ```
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
API_MD = os.path.join(ROOT, "docs", "api.md")
SYMBOLS_MD = os.path.join(ROOT, "docs", "symbols.md")
NAME_RE = re.compile(r"\baiineq_[a-z0-9_]+\b")
CODE_RE = re.compile(r"\bAIINEQ_ERR_[A-Z_]+\b")


# ---------------------------------------------------------------- parsing
class Section:
    def __init__(self, chapter, names):
        self.chapter = chapter
        self.names = names
        self.synopsis = None
        self.blocks = []      # ("text", str) or ("code", str), after the synopsis
        self.line = 0
        self.tagline = ""     # optional summary after the names in the heading


def parse_api(path=API_MD, text=None):
    """Return (intro_paragraphs, chapters, sections, status_table) of
    docs/api.md (or of `text`)."""
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    lines = text.splitlines()
    intro, chapters, sections, status = [], [], [], []
    chapter, sec, buf, in_code, code = None, None, [], False, []

    def flush_text():
        if buf:
            text = "\n".join(buf).strip()
            if text:
                if sec is not None:
                    sec.blocks.append(("text", text))
                elif chapter is None:
                    intro.append(text)
            buf.clear()

    for no, line in enumerate(lines, 1):
        if in_code:
            if line.strip().startswith("```"):
                in_code = False
                body = "\n".join(code)
                if sec is not None:
                    if sec.synopsis is None and not sec.blocks:
                        sec.synopsis = body
                    else:
                        sec.blocks.append(("code", body))
                code = []
            else:
                code.append(line)
            continue
        if line.strip().startswith("```"):
            flush_text()
            in_code = True
            continue
        if line.startswith("## "):
            flush_text()
            chapter = line[3:].strip()
            chapters.append(chapter)
            sec = None
            continue
        if line.startswith("### "):
            flush_text()
            head = line[4:].replace("`", "").replace("()", "")
            head, tagline = _split_heading(head)
            names = [n.strip() for n in head.split(",") if n.strip()]
            if names and all(NAME_RE.fullmatch(n) for n in names):
                sec = Section(chapter, names)
                sec.tagline = tagline.strip()
                sec.line = no
                sections.append(sec)
            else:
                sec = None  # a subheading that is not a function section
            continue
        if line.startswith("| `AIINEQ_") and chapter and "status" in chapter.lower():
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            if len(cells) >= 3:
                status.append(cells[:3])
        if line.strip() == "":
            flush_text()
        else:
            buf.append(line)
    flush_text()
    return intro, chapters, sections, status


def _split_heading(head):
    """"name, name — one-line summary" -> (names part, summary or "")."""
    m = re.search(r"\s+(?:—|--|-)\s+", head)
    if m:
        return head[:m.start()], head[m.end():]
    return head, ""


def split_sentences(text):
    """Split prose at sentence ends outside parentheses and code spans."""
    out, depth, tick, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == "`":
            tick = not tick
        elif not tick and ch == "(":
            depth += 1
        elif not tick and ch == ")":
            depth = max(0, depth - 1)
        elif (ch == "." and not tick and depth == 0 and i + 1 < len(text)
              and text[i + 1] in " \n"):
            out.append(text[start:i + 1].strip())
            start = i + 1
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def analyse(sec):
    """Split a section's prose into description, errors, returns, example."""
    desc, errors, returns, example = [], [], [], None
    codes = [b for k, b in sec.blocks if k == "code"]
    if codes:
        example = codes[-1]
    for kind, body in sec.blocks:
        if kind == "code":
            if body is not example:
                desc.append(("code", body))
            continue
        if body.lstrip().startswith(("|", "- ", "* ")):
            desc.append(("text", body))
            continue
        kept = []
        mode = None
        for s in split_sentences(body.replace("\n", " ")):
            if s.startswith("Errors:") or s.startswith("Errors ("):
                mode = "errors"
                errors.append(s.split(":", 1)[1].strip() if s.startswith("Errors:") else s)
            elif s.startswith("Returns:"):
                mode = None
                returns.append(s[len("Returns:"):].strip())
            elif mode == "errors" and re.match(r"^`?aiineq_[a-z0-9_]+`?:", s):
                errors.append(s)  # "aiineq_x: ..." continues an error list
            else:
                mode = None
                kept.append(s)
        if kept:
            desc.append(("text", " ".join(kept)))
    return desc, errors, returns, example


def declared_names(synopsis):
    return set(re.findall(r"\b(aiineq_[a-z0-9_]+)\s*\(", synopsis or ""))


def return_types(synopsis):
    """Map function name -> return type as written in the synopsis."""
    out = {}
    text = re.sub(r"/\*.*?\*/", " ", synopsis or "", flags=re.S)
    for m in re.finditer(r"([A-Za-z_][A-Za-z0-9_ \t\*]*?)\b(aiineq_[a-z0-9_]+)\s*\(", text):
        rtype = " ".join(m.group(1).split())
        if rtype and not rtype.endswith(","):
            out.setdefault(m.group(2), rtype.replace(" *", " *").strip())
    return out


# ----------------------------------------------------------- library info
def exported_functions(lib):
    """Return {name: version_node} of the functions lib exports."""
    out = subprocess.run(["objdump", "-T", lib], check=True, capture_output=True,
                         text=True).stdout
    funcs = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 6 or "DF" not in parts or ".text" not in line:
            continue
        name = parts[-1]
        version = parts[-2].strip("()")
        if name.startswith("aiineq_"):
            funcs[name] = version
    return funcs


def release_of(node):
    """AIINEQ_0.1 -> 0.1"""
    return node.split("_", 1)[1] if node.startswith("AIINEQ_") else node


# ------------------------------------------------------------------ roff
def esc(text):
    text = text.replace("\\", "\\e")
    return text


def code_esc(text):
    return esc(text).replace("-", "\\-")


def inline(md):
    """Markdown inline markup to roff."""
    out, pos = [], 0
    for m in re.finditer(r"`([^`]*)`", md):
        out.append(prose(md[pos:m.start()]))
        out.append("\\fB\\%" + code_esc(m.group(1)) + "\\fR")
        pos = m.end()
    out.append(prose(md[pos:]))
    return "".join(out)


def prose(text):
    text = esc(text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fR", text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*?)\*(?![\w*])", r"\\fI\1\\fR", text)
    return text


def fill(text):
    """Prose for roff: one sentence per line, no line starting with . or '."""
    lines = []
    for s in split_sentences(text.replace("\n", " ")):
        r = inline(s)
        if r.startswith((".", "'")):
            r = "\\&" + r
        lines.append(r)
    return "\n".join(lines)


def code_block(body):
    lines = [".PP", ".in +4n", ".EX"]
    for l in body.splitlines():
        l = code_esc(l)
        if l.startswith((".", "'")):
            l = "\\&" + l
        lines.append(l)
    lines += [".EE", ".in"]
    return lines


def markdown_blocks(blocks):
    lines = []
    for kind, body in blocks:
        if kind == "code":
            lines += code_block(body)
        elif body.lstrip().startswith(("- ", "* ")):
            for item in re.split(r"\n(?=[-*] )", body.strip()):
                lines += [".IP \\(bu 2", fill(item[2:])]
        elif body.lstrip().startswith("|"):
            lines += code_block("\n".join(l for l in body.splitlines()
                                          if not re.match(r"^\|[-| :]+\|$", l)))
        else:
            lines += [".PP", fill(body)]
    return lines


def page_date():
    """Date of the newest release in CHANGELOG.md (reproducible, not today)."""
    try:
        with open(os.path.join(ROOT, "CHANGELOG.md"), encoding="utf-8") as f:
            m = re.search(r"^## \[[0-9.]+\] - (\d{4}-\d{2}-\d{2})", f.read(), re.M)
            if m:
                return m.group(1)
    except OSError:
        pass
    return "2026-12-04"


def version():
    with open(os.path.join(ROOT, "include", "aiineq.h"), encoding="utf-8") as f:
        h = f.read()
    parts = [re.search(r"#define AIINEQ_VERSION_%s (\d+)" % p, h).group(1)
             for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def th(title):
    return '.TH %s 3 %s "aiineq %s" "aiineq Library Functions"\n.nh\n.ad l' % (
        title.upper(), page_date(), version())


PROPER = {"Gini", "Lorenz", "Theil", "Lerman", "Davidson", "Student", "Sobol", "NLopt",
          "LAPACK", "OLS", "MSM", "BLS", "OEWS", "SOC", "Shapley", "Andrews",
          "K", "N", "S", "T", "W", "G"}


def summary(sec, desc):
    """NAME line: the heading's summary, else the first sentence, shortened."""
    if sec.tagline:
        return sec.tagline.rstrip(".")
    for kind, body in desc:
        if kind != "text":
            continue
        s = split_sentences(body.replace("\n", " "))[0]
        s = re.sub(r"^`?%s`?(\(\))?\s+" % re.escape(sec.names[0]), "", s)
        s = re.sub(r"`([^`]*)`", r"\1", s).rstrip(".")
        s = re.sub(r"\s*\([^()]*\)", "", s)          # drop parentheticals
        s = re.split(r": |; |, (?=which|so|and|where|with)| -- ", s)[0]
        out = []
        for w in s.split():
            if len(" ".join(out + [w])) > 68:
                break
            out.append(w)
        s = " ".join(out)
        first = s.split(" ")[0] if s else ""
        keep = (first in PROPER or "'" in first or any(c.isupper() for c in first[1:])
                or first.rstrip("'s") in PROPER)
        return s if keep else s[:1].lower() + s[1:]
    return "aiineq function"


def man_page(sec, status, all_names, nodes):
    desc, errors, returns, example = analyse(sec)
    name = sec.names[0]
    rtypes = return_types(sec.synopsis)
    L = [".\\\" Generated by scripts/apidoc.py from docs/api.md: edit that file.",
         th(name), ".SH NAME",
         "%s \\- %s" % (", ".join(n.replace("_", "_") for n in sec.names),
                        esc(summary(sec, desc)).replace("-", "\\-")),
         ".SH SYNOPSIS", ".nf", ".B #include <aiineq.h>", ".PP"]
    for l in (sec.synopsis or "").splitlines():
        l = code_esc(l)
        L.append("\\&" + l if l.startswith((".", "'")) else l)
    L += [".fi", ".PP", "Link with \\fI\\-laiineq\\fR "
          "(\\fBpkg\\-config \\-\\-cflags \\-\\-libs aiineq\\fR)."]
    L += [".SH DESCRIPTION"] + markdown_blocks(desc)
    L += [".SH RETURN VALUE"]
    if returns:
        L += [".PP", fill(" ".join(returns))]
    else:
        ints = [n for n in sec.names if rtypes.get(n) == "int"]
        others = [n for n in sec.names if n not in ints]
        if ints:
            L += [".PP", "%s return%s \\fBAIINEQ_OK\\fR (0) on success and a negative "
                  "\\fBAIINEQ_ERR_*\\fR status on failure (see \\fBERRORS\\fR)." % (
                      ", ".join("\\fB\\%%%s\\fR()" % n for n in ints),
                      "s" if len(ints) == 1 else "")]
        for n in others:
            t = rtypes.get(n, "")
            if t == "void":
                L += [".PP", "\\fB%s\\fR() returns no value." % n]
            elif t:
                L += [".PP", "\\fB%s\\fR() returns a value of type \\fI%s\\fR "
                      "as described above." % (n, esc(t))]
    L += [".SH ERRORS"]
    codes = []
    for kind, body in sec.blocks:
        for c in CODE_RE.findall(body):
            if c not in codes:
                codes.append(c)
    if errors:
        L += [".PP", fill(" ".join(errors))]
    meaning = {c: m for c, _, m in status}
    for c in codes:
        L += [".TP", "\\fB%s\\fR" % c, esc(meaning.get(c, "see aiineq(3)"))]
    if not errors and not codes:
        L += [".PP", "None."]
    known = [n for n in sec.names if n in nodes]
    if known:
        L += [".SH VERSIONS"]
        for node in sorted({nodes[n] for n in known}):
            these = [n for n in known if nodes[n] == node]
            L += [".PP", "%s first appeared in aiineq %s (symbol version \\fB%s\\fR)." % (
                ", ".join("\\fB\\%%%s\\fR()" % n for n in these), release_of(node), node)]
    L += [".SH EXAMPLE"]
    if example:
        L += code_block(example)
    else:
        L += [".PP", "See \\fBaiineq\\fR(3)."]
    seealso = ["aiineq"]
    for s in all_names.get(sec.chapter, []):
        if s != name and s not in seealso:
            seealso.append(s)
    for body in [b for _, b in sec.blocks]:
        for n in NAME_RE.findall(body):
            if n in all_names["*"] and n not in sec.names and n not in seealso:
                seealso.append(n)
    L += [".SH SEE ALSO", ",\n".join("\\fB\\%%%s\\fR(3)" % s for s in seealso)]
    return "\n".join(L) + "\n"


def overview_page(intro, chapters, sections, status):
    L = [".\\\" Generated by scripts/apidoc.py from docs/api.md: edit that file.",
         th("aiineq"), ".SH NAME",
         "aiineq \\- AI, skill homogenization and inequality: model, estimation "
         "and inequality measures",
         ".SH SYNOPSIS", ".nf", ".B #include <aiineq.h>", ".fi", ".PP",
         "Link with \\fI\\-laiineq\\fR "
         "(\\fBpkg\\-config \\-\\-cflags \\-\\-libs aiineq\\fR).",
         ".SH DESCRIPTION", ".PP",
         "aiineq implements the task\\-based model of \\fIWhen AI Levels the Playing "
         "Field: Skill Homogenization, Asset Concentration, and Two Regimes of "
         "Inequality\\fR (2026): equilibrium solvers, simulated moments, estimation, "
         "regime analysis, inequality measures and occupation\\-level regressions."]
    for p in intro:
        if not p.startswith("#"):
            L += [".PP", fill(p)]
    L += [".PP", "Opaque handles are created by \\fB*_new\\fR() through an out "
          "parameter and released by \\fB*_free\\fR() (freeing NULL does nothing).",
          "The library never prints or exits and keeps no mutable global state: "
          "distinct handles may be used from distinct threads at the same time.",
          "Results are deterministic for a given seed."]
    L += [".SS Functions"]
    for ch in chapters:
        names = [n for s in sections if s.chapter == ch for n in s.names]
        if names:
            L += [".TP", esc(ch), ",\n".join("\\fB\\%%%s\\fR(3)" % n for n in names)]
    if status:
        L += [".SH RETURN VALUE", ".PP",
              "Fallible functions return an \\fBint\\fR status: \\fBAIINEQ_OK\\fR (0) "
              "on success, a negative code on failure, and positive codes for "
              "iterative solvers that stopped successfully (test failure with "
              "\\fIstatus\\fR < 0).",
              "\\fBaiineq_strerror\\fR(3) names each code."]
        L += [".SH ERRORS"]
        for c, v, m in status:
            L += [".TP", "\\fB%s\\fR (%s)" % (c, code_esc(v)), esc(m)]
    L += [".SH FILES", ".TP", "\\fI/usr/share/doc/aiineq/api.md\\fR",
          "the reference these pages are generated from (installed with "
          "\\fBmake install\\fR under the documentation directory)",
          ".TP", "\\fI/usr/share/doc/aiineq/model.md\\fR",
          "the economics: every equation, default and moment of the model",
          ".SH NOTES", ".PP",
          "A Python binding (package \\fBaiineq\\fR, through ctypes) wraps the same "
          "functions; errors become exceptions carrying the status and the message.",
          ".SH SEE ALSO",
          ",\n".join("\\fB\\%%%s\\fR(3)" % s.names[0] for s in sections)]
    return "\n".join(L) + "\n"


# ------------------------------------------------------------- commands
def cmd_man(outdir, lib=None):
    intro, chapters, sections, status = parse_api()
    nodes = exported_functions(lib) if lib else {}
    os.makedirs(outdir, exist_ok=True)
    for f in os.listdir(outdir):
        if f.endswith(".3"):
            os.remove(os.path.join(outdir, f))
    all_names = {"*": {n for s in sections for n in s.names}}
    for s in sections:
        all_names.setdefault(s.chapter, []).append(s.names[0])
    for s in sections:
        with open(os.path.join(outdir, s.names[0] + ".3"), "w", encoding="utf-8") as f:
            f.write(man_page(s, status, all_names, nodes))
        for other in s.names[1:]:
            with open(os.path.join(outdir, other + ".3"), "w", encoding="utf-8") as f:
                f.write(".so man3/%s.3\n" % s.names[0])
    with open(os.path.join(outdir, "aiineq.3"), "w", encoding="utf-8") as f:
        f.write(overview_page(intro, chapters, sections, status))
    return 0


def section_problems(sections, exported):
    """Problems of the sections against the exported function names."""
    documented = {}
    problems = []
    for s in sections:
        decl = declared_names(s.synopsis)
        for n in s.names:
            if n in documented:
                problems.append("docs/api.md:%d: %s has two sections" % (s.line, n))
            documented[n] = s
            if n not in decl:
                problems.append("docs/api.md:%d: the synopsis of section '%s' does not "
                                "declare %s()" % (s.line, ", ".join(s.names), n))
        if not any(k == "code" for k, _ in s.blocks):
            print("apidoc: note: docs/api.md:%d: section '%s' has no example block"
                  % (s.line, ", ".join(s.names)))
        if s.synopsis is None:
            problems.append("docs/api.md:%d: section '%s' has no ```c synopsis block"
                            % (s.line, ", ".join(s.names)))
    for n in sorted(exported):
        if n not in documented:
            problems.append("%s is exported but has no section in docs/api.md "
                            "(add '### %s' with a ```c synopsis, prose with 'Errors:' "
                            "and an example)" % (n, n))
    for n in sorted(set(documented) - set(exported)):
        print("apidoc: note: %s is documented but not exported (yet)" % n)
    return problems


def cmd_check(lib, mandir=None):
    _, _, sections, _ = parse_api()
    exported = exported_functions(lib)
    problems = section_problems(sections, exported)
    if mandir:
        for n in sorted(exported):
            if not os.path.exists(os.path.join(mandir, n + ".3")):
                problems.append("no man page %s/%s.3" % (mandir, n))
        for f in sorted(os.listdir(mandir)):
            path = os.path.join(mandir, f)
            with open(path, encoding="utf-8") as fh:
                if fh.read().startswith(".so "):
                    continue
            r = subprocess.run(["groff", "-man", "-ww", "-z", "-Tutf8", path],
                               capture_output=True, text=True)
            if r.returncode != 0 or r.stderr.strip():
                problems.append("groff warnings for %s:\n%s" % (path, r.stderr.strip()))
    for p in problems:
        print("apidoc: FAILED: " + p, file=sys.stderr)
    if problems:
        return 1
    print("apidoc: ok (%d exported functions, each with a docs/api.md section%s)"
          % (len(exported), " and a man page" if mandir else ""))
    return 0


def read_symbols_md():
    since = {}
    if os.path.exists(SYMBOLS_MD):
        with open(SYMBOLS_MD, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^\| `(aiineq_[a-z0-9_]+)` \| ([0-9.]+) \|", line)
                if m:
                    since[m.group(1)] = m.group(2)
    return since


def cmd_symbols(lib):
    exported = exported_functions(lib)
    since = read_symbols_md()
    header = {}
    for h in sorted(os.listdir(os.path.join(ROOT, "include"))):
        with open(os.path.join(ROOT, "include", h), encoding="utf-8") as f:
            for n in re.findall(r"\b(aiineq_[a-z0-9_]+)\s*\(", f.read()):
                header.setdefault(n, h)
    rows = []
    for n in sorted(exported):
        rows.append("| `%s` | %s | `%s` | `%s` |" % (
            n, since.get(n, release_of(exported[n])), exported[n], header.get(n, "?")))
    text = ("# Symbols and the release that introduced them\n\n"
            "Generated from the built library's version nodes by `make symbols` "
            "(`scripts/apidoc.py symbols`); a symbol keeps the release it was first "
            "listed with. The ABI policy is in [`abi.md`](abi.md); each function's man "
            "page repeats its release under VERSIONS.\n\n"
            "| function | since | symbol version | header |\n|---|---|---|---|\n"
            + "\n".join(rows) + "\n")
    with open(SYMBOLS_MD, "w", encoding="utf-8") as f:
        f.write(text)
    print("apidoc: wrote docs/symbols.md (%d functions)" % len(rows))
    return 0


def main(argv):
    def opt(name):
        if name in argv:
            i = argv.index(name)
            val = argv[i + 1]
            del argv[i:i + 2]
            return val
        return None

    lib, man = opt("--lib"), opt("--man")
    if len(argv) >= 2 and argv[0] == "man":
        return cmd_man(argv[1], lib)
    if argv and argv[0] == "check" and lib:
        return cmd_check(lib, man)
    if argv and argv[0] == "symbols" and lib:
        return cmd_symbols(lib)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
