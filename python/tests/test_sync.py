"""The ctypes table (aiineq/_lib.py API) matches the headers and the library."""
import ctypes
import unittest

from aiineq import _lib
from util import c_type, exported_functions, header_declarations, library_file


def spell(t):
    """A ctypes type as written in _lib.py's table."""
    for alias in ("H", "HP", "D", "SZ"):
        if t is getattr(_lib, alias):
            return alias
    if t is None:
        return "None"
    for alias in ("c_size_t", "c_int64", "c_int"):
        if t is getattr(ctypes, alias):
            return alias
    if hasattr(t, "_type_") and not isinstance(t._type_, str):
        return "P(%s)" % spell(t._type_)
    return t.__name__


def suggest(name):
    decl = header_declarations().get(name)
    try:
        return '    "%s": (%s, [%s]),' % (name, spell(c_type(decl[0])),
                                         ", ".join(spell(c_type(a)) for a in decl[1]))
    except (KeyError, TypeError):
        return '    "%s": (...),  # not declared in include/*.h?' % name


class TestSync(unittest.TestCase):
    def test_every_exported_function_is_declared(self):
        exported = exported_functions(library_file())
        self.assertGreater(len(exported), 10)
        missing = sorted(exported - set(_lib.API))
        self.assertEqual(missing, [], "exported by libaiineq but not declared in "
                         "python/aiineq/_lib.py API; add these lines to it:\n"
                         + "\n".join(suggest(n) for n in missing))

    def test_table_matches_headers(self):
        decls = header_declarations()
        self.assertIn("aiineq_model_new", decls)
        problems = []
        for name, (ret, args, header) in sorted(decls.items()):
            if name not in _lib.API:
                problems.append("%s (%s) is not in the API table; add:\n%s"
                                % (name, header, suggest(name)))
                continue
            try:
                want = (c_type(ret), [c_type(a) for a in args])
            except KeyError as e:
                problems.append("%s: no ctypes mapping for C type %s (extend CTYPES "
                                "or CALLBACKS in _lib.py)" % (name, e))
                continue
            restype, argtypes = _lib.API[name]
            if restype is not want[0] or len(argtypes) != len(want[1]) or any(
                    a is not b for a, b in zip(argtypes, want[1])):
                problems.append("%s: table says %r, header %s says %r" % (
                    name, (restype, argtypes), header, want))
        for name in sorted(set(_lib.API) - set(decls)):
            problems.append("%s is in the API table but declared in no header" % name)
        self.assertEqual(problems, [])

    def test_c_type_parser(self):
        self.assertIs(c_type("const char *name"), ctypes.c_char_p)
        self.assertIs(c_type("size_t k"), ctypes.c_size_t)
        self.assertIs(c_type("aiineq_model **out"), _lib.HP)
        self.assertIs(c_type("const double **data"), ctypes.POINTER(_lib.D))
        self.assertIs(c_type("unsigned"), ctypes.c_uint)
        self.assertIs(c_type("void"), None)
        with self.assertRaises(KeyError):
            c_type("struct tm *t")


if __name__ == "__main__":
    unittest.main()
