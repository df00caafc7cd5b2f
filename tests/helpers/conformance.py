"""Where the reference test data of golang.org/x/mod lives.

It sits in the read-only ``shared/`` folder next to the project's checkout and is
never copied into the project.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
XMOD = PROJECT_ROOT.parent / "shared" / "conformance" / "xmod"
ZIP_TESTDATA = XMOD / "zip" / "testdata"
MODFILE_TESTDATA = XMOD / "modfile" / "testdata"
MODULE_VECTORS = XMOD / "module_vectors.json"
