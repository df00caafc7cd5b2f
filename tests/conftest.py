"""Fixtures shared by every test: an isolated home, and the local registry.

Also the Hypothesis profiles. ``HYPOTHESIS_PROFILE=fuzz`` runs every
property test for at least :data:`FUZZ_EXAMPLES` examples (10,000, or
``HYPOTHESIS_FUZZ_EXAMPLES``) with no deadline, for a long fuzzing run of
the zip and go.mod fuzz tests (tests ask tests.helpers.fuzzing for their
counts, so that the profile can raise them)::

    HYPOTHESIS_PROFILE=fuzz uv run pytest tests/core -k fuzz
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = int(os.environ.get("HYPOTHESIS_FUZZ_EXAMPLES", "10000"))

settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Qt tests never open a real window.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_USER_VARIABLES = (
    "GOMODPUB_PASSWORD",
    "GOMODPUB_USERNAME",
    "GOMODPUB_REGISTRY",
)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own settings folder and none of the user's variables."""
    home = tmp_path / "gomodpub-home"
    monkeypatch.setenv("GOMODPUB_HOME", str(home))
    for name in _USER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(scope="session")
def registry_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A gomodpub home whose local registry runs for the whole test session.

    Commands run with ``GOMODPUB_HOME`` set to it find the registry running, as
    a user's would after ``gomodpub registry up``.
    """
    from gomodpub.registry.local import LocalRegistry

    home = tmp_path_factory.mktemp("registry-home")
    registry = LocalRegistry(home / "data" / "local-registry")
    try:
        registry.up()
        yield home
    finally:
        registry.down()
