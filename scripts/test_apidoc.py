"""Tests of scripts/apidoc.py (run by `make check-docs`): parsing of the
docs/api.md section format, the checks, and the roff it writes."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apidoc  # noqa: E402

DOC = """# ref

Intro paragraph.

## Status codes

| code | value | meaning |
|---|---|---|
| `AIINEQ_OK` | 0 | success |
| `AIINEQ_ERR_ARG` | -1 | invalid argument |

## Things

### aiineq_foo_new, aiineq_foo_free — create and free a foo

```c
int aiineq_foo_new(aiineq_foo **out);
void aiineq_foo_free(aiineq_foo *f);
```

Creates a foo (see `aiineq_bar`). Errors: `AIINEQ_ERR_ARG` (out is NULL). Freeing
NULL does nothing. Returns: the status.

```c
aiineq_foo *f = NULL;
.starts with a dot - and a \\\\backslash
```

### aiineq_bar

```c
const char *aiineq_bar(int x);
```

`aiineq_bar` gives a static name for x (a number). Never fails.
"""


class TestApidoc(unittest.TestCase):
    def setUp(self):
        self.intro, self.chapters, self.sections, self.status = apidoc.parse_api(text=DOC)

    def test_parse(self):
        self.assertEqual(self.chapters, ["Status codes", "Things"])
        self.assertEqual([s.names for s in self.sections],
                         [["aiineq_foo_new", "aiineq_foo_free"], ["aiineq_bar"]])
        self.assertEqual(self.sections[0].tagline, "create and free a foo")
        self.assertEqual(self.status[1], ["AIINEQ_ERR_ARG", "-1", "invalid argument"])
        desc, errors, returns, example = apidoc.analyse(self.sections[0])
        self.assertEqual(errors, ["`AIINEQ_ERR_ARG` (out is NULL)."])
        self.assertEqual(returns, ["the status."])
        self.assertIn("aiineq_foo *f", example)
        self.assertEqual(apidoc.summary(self.sections[1], apidoc.analyse(self.sections[1])[0]),
                         "gives a static name for x")

    def test_checks(self):
        ok = apidoc.section_problems(self.sections, {"aiineq_foo_new": "", "aiineq_bar": ""})
        self.assertEqual(ok, [])
        missing = apidoc.section_problems(self.sections, {"aiineq_baz": "AIINEQ_0.1"})
        self.assertTrue(any("aiineq_baz is exported but has no section" in p for p in missing))
        bad = DOC.replace("void aiineq_foo_free(aiineq_foo *f);", "")
        problems = apidoc.section_problems(apidoc.parse_api(text=bad)[2], {})
        self.assertTrue(any("does not declare aiineq_foo_free()" in p for p in problems))

    def test_roff(self):
        all_names = {"*": {"aiineq_foo_new", "aiineq_foo_free", "aiineq_bar"},
                     "Things": ["aiineq_foo_new", "aiineq_bar"]}
        page = apidoc.man_page(self.sections[0], self.status, all_names,
                               {"aiineq_foo_new": "AIINEQ_0.1"})
        self.assertIn("aiineq_foo_new, aiineq_foo_free \\- create and free a foo", page)
        self.assertIn("\\&.starts with a dot \\- and a \\e\\ebackslash", page)
        self.assertIn(".SH ERRORS", page)
        self.assertIn("first appeared in aiineq 0.1", page)
        self.assertIn("\\fB\\%aiineq_bar\\fR(3)", page)
        with tempfile.NamedTemporaryFile("w", suffix=".3") as f:
            f.write(page)
            f.flush()
            r = subprocess.run(["groff", "-man", "-ww", "-z", "-Tutf8", f.name],
                               capture_output=True, text=True)
        self.assertEqual(r.stderr, "")


if __name__ == "__main__":
    unittest.main()
