"""The package as shipped: Python 3.9 syntax, standard library only, one version."""

import ast
import importlib.util
import pathlib
import re
import sys
import sysconfig
import unittest

import jobq

PACKAGE = pathlib.Path(__file__).resolve().parent.parent
SOURCES = sorted(PACKAGE.glob('jobq/*.py')) + sorted(PACKAGE.glob('examples/*.py'))


def in_stdlib(module):
    if hasattr(sys, 'stdlib_module_names'):  # Python 3.10+
        return module in sys.stdlib_module_names
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return False
    if spec.origin in ('built-in', 'frozen'):
        return True
    stdlib = pathlib.Path(sysconfig.get_paths()['stdlib']).resolve()
    origin = pathlib.Path(spec.origin).resolve()
    return stdlib in origin.parents and 'site-packages' not in origin.parts


class PackageTest(unittest.TestCase):
    def test_parses_as_python_3_9(self):
        self.assertTrue(SOURCES)
        for path in SOURCES:
            with self.subTest(path.name):
                ast.parse(path.read_text(encoding='utf-8'), str(path), feature_version=(3, 9))

    def test_imports_only_the_standard_library_and_itself(self):
        for path in SOURCES:
            for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split('.')[0]
                    self.assertTrue(top in ('__future__', 'jobq') or in_stdlib(top), f'{path.name} imports {name}')

    def test_one_version(self):
        pyproject = (PACKAGE / 'pyproject.toml').read_text(encoding='utf-8')
        self.assertEqual(re.search(r'^version = "([^"]+)"$', pyproject, re.M).group(1), jobq.__version__)
        self.assertIn('requires-python = ">=3.9"', pyproject)
        self.assertIn('dependencies = []', pyproject)


if __name__ == '__main__':
    unittest.main()
