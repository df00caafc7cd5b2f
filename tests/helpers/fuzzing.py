"""How many examples a property test tries.

The normal run tries at least the quick count a test gives (more if the
profile's default is higher). ``HYPOTHESIS_PROFILE=fuzz`` (registered in
tests/conftest.py) raises every test to the profile's count, for a long
fuzzing run::

    HYPOTHESIS_PROFILE=fuzz uv run pytest tests/core -k fuzz
"""

from __future__ import annotations

from hypothesis import settings


def examples(quick: int) -> int:
    """The examples to try: quick, or more when the loaded profile asks for more."""
    return max(quick, settings.default.max_examples)
