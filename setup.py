"""Packaging beyond what pyproject.toml can say: a wheel carries the built-in suite.

The suite lives beside the packages in a checkout (``tasks/``, and ``screenshots/`` that its split files name as
``../screenshots/...``); an editable install finds it there. A wheel (``pip install .``, ``pip install omniact``)
has no checkout beside it, so the build copies both folders into the package, as ``omniact/_suite/tasks`` and
``omniact/_suite/screenshots`` (`omniact.dataset.builtin_root` looks there first). The suite's generator and its
Python helpers stay behind: they rebuild the suite from a checkout and are no data.

It also builds `scoring._judge` (scoring/_judge.c), reference mode's judgement of the common answer in C. The build
is optional: without a C compiler, the install goes on and the Python judge does all the work (the same scores,
slower). Floating-point contraction is off, so that no compiler fuses a multiply and an add into one rounding where
Python rounds twice: the compiled judge must give Python's floats to the last bit.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SUITE = ("tasks", "screenshots")


class build_py_with_suite(build_py):  # named like the setuptools command it extends
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # the checkout is used in place: nothing to copy
            return
        target = Path(self.build_lib) / "omniact" / "_suite"
        shutil.rmtree(target, ignore_errors=True)
        for name in SUITE:
            shutil.copytree(HERE / name, target / name,
                            ignore=shutil.ignore_patterns("*.py", "__pycache__", "buildlib", "*.pyc"))


_JUDGE = Extension("scoring._judge", ["scoring/_judge.c"], optional=True,
                   extra_compile_args=[] if os.name == "nt" else ["-ffp-contract=off", "-fno-fast-math"])

setup(cmdclass={"build_py": build_py_with_suite}, ext_modules=[_JUDGE])
