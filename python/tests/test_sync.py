"""The ctypes table (aiineq/_lib.py API) matches the headers and the library."""
import unittest

from aiineq import _lib
from util import c_type, exported_functions, header_declarations, library_file


class TestSync(unittest.TestCase):
    def test_every_exported_function_is_declared(self):
        exported = exported_functions(library_file())
        self.assertGreater(len(exported), 10)
        missing = sorted(exported - set(_lib.API))
        self.assertEqual(missing, [], "exported by libaiineq but not declared in "
                         "python/aiineq/_lib.py API (add one line each)")

    def test_table_matches_headers(self):
        decls = header_declarations()
        self.assertIn("aiineq_model_new", decls)
        problems = []
        for name, (ret, args, header) in sorted(decls.items()):
            if name not in _lib.API:
                problems.append("%s (%s) is not in the API table" % (name, header))
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
        import ctypes
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
