"""The calculation core imports only the standard library, numpy, pandas, scipy, the holidays calendar data
and itself."""

import ast
import sys
from pathlib import Path

import mrv.calc

PACKAGE = Path(mrv.calc.__file__).parent


def imported_modules() -> set[str]:
    modules = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                modules.add(node.module)
    return modules


def test_calc_imports_nothing_but_numpy_pandas_scipy_and_holidays():
    outside = {
        module
        for module in imported_modules()
        if module.split(".")[0] not in sys.stdlib_module_names | {"numpy", "pandas", "scipy", "holidays"}
        and not module.startswith("mrv.calc")
    }
    assert outside == set()


def test_calc_modules_stay_small():
    assert max(len(path.read_text().splitlines()) for path in PACKAGE.glob("*.py")) < 300
