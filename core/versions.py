"""What version to publish next, and what is risky about a chosen one.

Given the versions a module has published and, optionally, its go.mod,
:func:`suggest` offers the next versions, :func:`next_free_patch` finds a free
version when the chosen one is taken, and :func:`assess` warns about a version
before it is published.

The major line
    A module path's major suffix decides which versions it may publish: none
    allows v0 and v1 (``example.com/m``), ``/vN`` allows vN
    (``example.com/m/v2``) and ``.vN`` allows vN (``gopkg.in/yaml.v3``).
    Suggestions and "latest" only look at the published versions of this
    line; invalid strings are ignored.

Suggestions (:func:`suggest`)
    - They count from the highest published version of the line that is not a
      pseudo-version. After a release vX.Y.Z: the patch vX.Y.(Z+1), the minor
      vX.(Y+1).0, the major v(X+1).0.0, and a first release candidate of the
      minor, vX.(Y+1).0-rc.1 (offered too when a prerelease line cannot go
      on).
    - After a prerelease such as v1.3.0-rc.1: the next prerelease
      (v1.3.0-rc.2, the last numeric identifier plus one, or ``.1`` appended),
      its release (v1.3.0), and the patch, minor and major counted from that
      release (v1.3.1, v1.4.0, v2.0.0).
    - With nothing published (pseudo-versions below these aside): v0.1.0 and
      v1.0.0, or only vN.0.0 for a path whose suffix names vN.
    - A major that the path's suffix does not allow is a new module path
      (``example.com/m/v2``, ``gopkg.in/x.v3``): go.mod and the imports inside
      the module must change, and the message says so. v0 to v1 keeps the
      path, except on ``gopkg.in/x.v0``. The new major starts above any of its
      versions published under the old path (``+incompatible`` ones).
    - A suggestion is never published and never retracted by go.mod: it moves
      to the next patch (or prerelease) above the version or retracted interval
      in its way. It is dropped if that takes a patch out of its minor line, a
      minor out of its major line, or a prerelease up to its release. It is
      always above every published version of its line, pseudo-versions
      included.
    - ``+incompatible`` versions are never suggested.

Next free version (:func:`next_free_patch`)
    The lowest version above the given one in its patch line (same
    vMAJOR.MINOR) that is neither published nor retracted. For a prerelease it
    is the next prerelease of the same release. ``+incompatible`` is kept.

Warnings (:func:`assess`), in this order, each with a stable code:
    ``invalid-version`` (error)
        Not a semantic version; nothing else is checked.
    ``not-canonical`` (error)
        Valid but not canonical (``v1.2``, ``v1.2.0+build``); the message gives
        the canonical form, and the other checks judge that form.
    ``pseudo-version`` (error)
        Pseudo-versions name commits, not releases; nothing else is checked.
    ``major-mismatch`` (error)
        The major version does not fit the path's suffix, or ``+incompatible``
        is used where Go refuses it: it is only for v2 and above, on a path
        without a major suffix, for a module without go.mod. The message starts
        with Go's error text and says what to change; nothing else is checked.
    ``already-published`` (warning)
        The version exists; it names the next free version.
    ``retracted`` (warning)
        A retract directive covers it, in the go.mod being published or in the
        go.mod whose retractions the go command reads (that of the highest
        version, see :func:`retractions_source`); its rationale is quoted.
    ``older-than-latest`` (warning)
        ``go get PATH@latest`` would keep choosing another published version:
        the latest release (or the latest prerelease while there is no
        release), not counting versions retracted by the go.mod of the highest
        version (this one's when it is the highest, else ``latest_go_mod``).
        ``+incompatible`` versions are compared with the other
        ``+incompatible`` versions only.
    ``prerelease`` (info)
        ``@latest`` does not choose a prerelease while a release exists.

:func:`raise_for_errors` turns the errors among the warnings into one
:class:`~gomodpub.core.errors.InvalidModuleError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

# Relative imports: mypy cannot follow the editable install's gomodpub.core
# mapping and would type these names as Any.
from . import module, semver
from .errors import InvalidModuleError
from .modfile import ModFile

__all__ = [
    "Code",
    "Kind",
    "Severity",
    "Suggestion",
    "Suggestions",
    "VersionWarning",
    "assess",
    "invalid_version_message",
    "next_free_patch",
    "raise_for_errors",
    "retractions_source",
    "suggest",
]

Kind = Literal["release", "prerelease", "patch", "minor", "major"]
Severity = Literal["error", "warning", "info"]
Code = Literal[
    "invalid-version",
    "not-canonical",
    "pseudo-version",
    "major-mismatch",
    "already-published",
    "retracted",
    "older-than-latest",
    "prerelease",
]

_INCOMPATIBLE = "+incompatible"
_FIRST_CANDIDATE = "-rc.1"
_PATCH = "Bug fixes only, with no change to the API."
_MINOR = "New features that keep the API compatible."


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One version to publish, with the module path it must be published under."""

    kind: Kind
    version: str
    module_path: str
    message: str
    path_changes: bool = False
    """True when module_path differs from the current one (a new major)."""


@dataclass(frozen=True, slots=True)
class Suggestions:
    """The next versions of a module; a kind that does not apply is None."""

    module_path: str
    latest: str
    """The highest published version of the line (no pseudo-versions), or ""."""
    release: Suggestion | None = None
    prerelease: Suggestion | None = None
    patch: Suggestion | None = None
    minor: Suggestion | None = None
    major: Suggestion | None = None

    def __iter__(self) -> Iterator[Suggestion]:
        """Yield the suggestions present: release, prerelease, patch, minor, major."""
        for s in (self.release, self.prerelease, self.patch, self.minor, self.major):
            if s is not None:
                yield s


@dataclass(frozen=True, slots=True)
class VersionWarning:
    """Something to tell the user about a version before it is published."""

    code: Code
    severity: Severity
    message: str

    def __str__(self) -> str:
        return self.message


def suggest(
    module_path: str, published: Iterable[str], go_mod: ModFile | None = None
) -> Suggestions:
    """Suggest the versions of module_path to publish next.

    Raises:
        InvalidModuleError: module_path is not a valid module path.
    """
    # TODO(+incompatible lines): a module without go.mod that publishes v2 and
    # up as +incompatible only gets v0/v1 suggestions here. Suggesting
    # vN.x.y+incompatible needs to know that the folder has no go.mod, which
    # go_mod=None does not say (it may just not have been read).
    line = _Line.of(module_path)
    versions = [module.canonical_version(v) for v in published if semver.is_valid(v)]
    taken = _Taken(versions, _retractions(go_mod))

    # Pseudo-versions only have to be outranked; they are never a base.
    in_line = [v for v in versions if line.holds(v)]
    floor = _highest(in_line)
    top = _highest(v for v in in_line if not module.is_pseudo_version(v))
    if not top and (not floor or semver.compare(floor, line.first()) < 0):
        return _first_suggestions(line, versions, taken, floor)

    release: Suggestion | None = None
    prerelease: Suggestion | None = None
    base = floor
    if top and semver.prerelease(top):
        core = _release_of(top)
        base = _highest([core, floor])
        if not taken.blocker(core, floor):
            release = Suggestion(
                "release",
                core,
                line.path,
                f"Turns the prerelease {top} into a release.",
            )
        following = taken.free_prerelease(_next_prerelease(top), floor)
        if following is not None:
            prerelease = Suggestion(
                "prerelease", following, line.path, f"The prerelease after {top}."
            )

    at_patch, at_minor = _bump("patch", base), _bump("minor", base)
    patch = _within(_same_path(line, "patch", at_patch, _PATCH, taken, floor), at_patch)
    minor = _within(_same_path(line, "minor", at_minor, _MINOR, taken, floor), at_minor)
    major = _major_suggestion(line, _bump("major", base), versions, taken, floor)

    # With no prerelease line to go on, a candidate for the next minor is.
    if prerelease is None and minor is not None:
        candidate = taken.free_prerelease(minor.version + _FIRST_CANDIDATE, floor)
        if candidate is not None:
            prerelease = Suggestion(
                "prerelease",
                candidate,
                line.path,
                f"A release candidate for {minor.version}.",
            )
    return Suggestions(line.path, top, release, prerelease, patch, minor, major)


def next_free_patch(
    published: Iterable[str], version: str, go_mod: ModFile | None = None
) -> str | None:
    """Return the lowest free version above version in its patch line, or None.

    Free means neither published nor retracted by go_mod. A prerelease gets
    the next free prerelease of its release; None means a retraction reaches
    past the whole patch line (or up to the release, for a prerelease).

    Raises:
        InvalidModuleError: version is not a semantic version, or is a
            pseudo-version.
    """
    if not semver.is_valid(version):
        raise InvalidModuleError(f"{version!r} is not a semantic version")
    if module.is_pseudo_version(version):
        raise InvalidModuleError(f"{version} is a pseudo-version, not a release")

    build = _INCOMPATIBLE if semver.build(version) == _INCOMPATIBLE else ""
    v = semver.canonical(version)
    versions = [module.canonical_version(p) for p in published if semver.is_valid(p)]
    taken = _Taken(versions, _retractions(go_mod))

    if semver.prerelease(v):
        free = taken.free_prerelease(_next_prerelease(v), "", build)
    else:
        free = taken.free_release(_bump("patch", v), "", build)
    if free is None or semver.major_minor(free) != semver.major_minor(v):
        return None
    return free + build


def assess(
    module_path: str,
    version: str,
    published: Iterable[str],
    go_mod: ModFile | None = None,
    *,
    latest_go_mod: ModFile | None = None,
) -> list[VersionWarning]:
    """Tell what is wrong or risky about publishing version of module_path.

    Args:
        go_mod: the go.mod being published, for its retractions; None means
            there is none, or it is not known, which allows ``+incompatible``
            from v2 on.
        latest_go_mod: the go.mod of :func:`retractions_source`, when that is
            a published version; None when it is not known.

    Raises:
        InvalidModuleError: module_path is not a valid module path.
    """
    line = _Line.of(module_path)
    versions = [module.canonical_version(v) for v in published if semver.is_valid(v)]
    retractions = _retractions(go_mod)
    warnings: list[VersionWarning] = []

    # Refusals: once one applies, the rest would only be noise.
    if not semver.is_valid(version):
        return [_error("invalid-version", invalid_version_message(version))]
    canonical = module.canonical_version(version)
    if canonical != version:
        message = f"{version} is not in canonical form; publish it as {canonical}"
        warnings.append(_error("not-canonical", message))
        version = canonical
    if module.is_pseudo_version(version):
        release = _release_of(version)
        if release == "v0.0.0":
            release = "v0.1.0"
        message = (
            f"{version} is a pseudo-version: those name commits, not releases; "
            f"publish a release version such as {release} instead"
        )
        return [*warnings, _error("pseudo-version", message)]
    mismatch = _major_mismatch(line, version, has_go_mod=go_mod is not None)
    if mismatch:
        return [*warnings, _error("major-mismatch", mismatch)]

    if version in versions:
        free = next_free_patch(versions, version, go_mod)
        message = (
            f"{version} is already published: the same content again changes "
            "nothing, other content is refused"
        )
        if free is not None:
            message += f"; the next free version is {free}"
        warnings.append(VersionWarning("already-published", "warning", message))

    # The go command reads retractions from the go.mod of the highest version
    # only: this go.mod's count once this version is the highest.
    group = _latest_group(line, version, versions)
    source = _retractions_source(version, group)
    in_force = retractions if source == version else _retractions(latest_go_mod)
    for retraction in retractions:
        if retraction.covers(version):
            warnings.append(_retracted_warning(version, retraction, "go.mod"))
            break
    else:
        for retraction in in_force:
            if retraction.covers(version):
                where = f"the go.mod of {source}"
                warnings.append(_retracted_warning(version, retraction, where))
                break

    # What "go get PATH@latest" chooses once this version is out as well.
    listed = [
        v
        for v in group
        if not module.is_pseudo_version(v) and not any(r.covers(v) for r in in_force)
    ]
    latest_release = _highest(v for v in listed if not semver.prerelease(v))
    # A release beats every prerelease, so only a prerelease meets prereleases.
    latest = latest_release
    if not latest and semver.prerelease(version):
        latest = _highest(listed)
    if latest and semver.compare(version, latest) < 0:
        message = (
            f"{version} is lower than {latest}, the latest version of "
            f"{line.path}: `go get {line.path}@latest` will keep choosing {latest}"
        )
        warnings.append(VersionWarning("older-than-latest", "warning", message))

    if semver.prerelease(version):
        if latest_release:
            message = (
                f"{version} is a prerelease: `go get {line.path}@latest` keeps "
                f"choosing the release {latest_release}; users get {version} "
                "only by asking for it"
            )
        else:
            message = (
                f"{version} is a prerelease: `go get {line.path}@latest` stops "
                "choosing prereleases once a release is published"
            )
        warnings.append(VersionWarning("prerelease", "info", message))
    return warnings


def retractions_source(module_path: str, version: str, published: Iterable[str]) -> str:
    """Return the version whose go.mod retractions count once version is out.

    The go command reads retract directives from the go.mod of the module's
    highest version (the highest release, or the highest prerelease while
    there is no release), so another go.mod's retractions only count once it
    is the highest. Returns version itself when it will be the highest.

    Raises:
        InvalidModuleError: module_path is not a valid module path, or version
            is not a semantic version.
    """
    if not semver.is_valid(version):
        raise InvalidModuleError(f"{version!r} is not a semantic version")
    line = _Line.of(module_path)
    version = module.canonical_version(version)
    versions = [module.canonical_version(v) for v in published if semver.is_valid(v)]
    return _retractions_source(version, _latest_group(line, version, versions))


def raise_for_errors(warnings: Iterable[VersionWarning]) -> None:
    """Raise InvalidModuleError with the messages of the errors among warnings."""
    errors = [w.message for w in warnings if w.severity == "error"]
    if errors:
        raise InvalidModuleError("\n".join(errors))


# ---------------------------------------------------------------------------
# The major line of a module path


@dataclass(frozen=True, slots=True)
class _Line:
    path: str
    prefix: str
    path_major: str
    majors: tuple[str, ...]

    @classmethod
    def of(cls, path: str) -> _Line:
        module.check_path(path)
        prefix, path_major, _ = module.split_path_version(path)
        if path_major:
            majors: tuple[str, ...] = (module.path_major_prefix(path_major),)
        else:
            majors = ("v0", "v1")
        return cls(path, prefix, path_major, majors)

    def holds(self, version: str) -> bool:
        return semver.major(version) in self.majors

    def first(self) -> str:
        """The first version to suggest when nothing is published."""
        return "v0.1.0" if "v0" in self.majors else self.majors[0] + ".0.0"

    def path_for(self, major: str) -> str:
        """The module path for versions of major ("v2")."""
        if self.path_major.startswith("."):
            unstable = "-unstable" if self.path_major.endswith("-unstable") else ""
            return f"{self.prefix}.{major}{unstable}"
        if major in ("v0", "v1"):
            return self.prefix
        return f"{self.prefix}/{major}"

    def change_for(self, major: str) -> str:
        """Say how the path changes for versions of major, and what it becomes."""
        new = self.path_for(major)
        old_suffix = self.path_major
        new_suffix = new[len(self.prefix) :]
        if not old_suffix:
            action = f"add {new_suffix} to the module path"
        elif not new_suffix:
            action = f"drop {old_suffix} from the module path"
        else:
            action = f"change {old_suffix} to {new_suffix} in the module path"
        return (
            f"{action} (go.mod: `module {new}`) and change the imports inside "
            "the module to match"
        )


# ---------------------------------------------------------------------------
# Suggestions


def _first_suggestions(
    line: _Line, versions: Sequence[str], taken: _Taken, floor: str
) -> Suggestions:
    """Suggest the first versions of a line with nothing published (but commits)."""
    minor: Suggestion | None = None
    if "v0" in line.majors:
        message = "A first development version: v0 makes no compatibility promise."
        first = _same_path(line, "minor", line.first(), message, taken, floor)
        minor = _within(first, line.first())
    first_major = "v1" if line.majors == ("v0",) else line.majors[-1]
    major = _major_suggestion(line, first_major + ".0.0", versions, taken, floor)
    return Suggestions(line.path, "", minor=minor, major=major)


def _same_path(
    line: _Line, kind: Kind, candidate: str, message: str, taken: _Taken, floor: str
) -> Suggestion:
    """Suggest the first free release from candidate on, under the same path."""
    version = taken.free_release(candidate, floor)
    if version != candidate and taken.retracting(candidate):
        message += f" {candidate} is retracted, so this is the next free version."
    return Suggestion(kind, version, line.path, message)


def _within(suggestion: Suggestion, candidate: str) -> Suggestion | None:
    """Drop a patch that retractions pushed out of candidate's minor line.

    Likewise a minor pushed out of its major line: it is no minor any more,
    and would repeat the major suggestion.
    """
    same = semver.major_minor if suggestion.kind == "patch" else semver.major
    return suggestion if same(suggestion.version) == same(candidate) else None


def _major_suggestion(
    line: _Line, candidate: str, versions: Sequence[str], taken: _Taken, floor: str
) -> Suggestion:
    """Suggest candidate, a vN.0.0, under the path that major N needs."""
    major = semver.major(candidate)
    path = line.path_for(major)
    if path == line.path:
        if major == "v1":
            message = (
                f"The first v1 promises a stable API; the module path stays "
                f"{line.path}."
            )
        else:
            message = f"The first version of {line.path}."
        return _same_path(line, "major", candidate, message, taken, floor)

    # A new module: go.mod's retractions are not its own, and only versions of
    # its major published under the old path (+incompatible) are in the way.
    earlier = _highest(v for v in versions if semver.major(v) == major)
    version = candidate
    if earlier and semver.compare(candidate, earlier) <= 0:
        version = _bump("minor", earlier)
    message = (
        f"A new major version is a new module path, {path}: change go.mod to "
        f"`module {path}` and every import of {line.path} and its packages "
        f"to {path}."
    )
    if version != candidate:
        message += f" {earlier} was published under {line.path}, so this goes above it."
    return Suggestion("major", version, path, message, path_changes=True)


# ---------------------------------------------------------------------------
# Published and retracted versions


def _latest_group(line: _Line, version: str, versions: Sequence[str]) -> list[str]:
    """The published versions that @latest weighs version against."""
    if semver.build(version) == _INCOMPATIBLE:
        return [v for v in versions if semver.build(v) == _INCOMPATIBLE]
    return [v for v in versions if line.holds(v)]


def _retractions_source(version: str, group: Sequence[str]) -> str:
    """The highest of group and version, as the go command picks it."""
    tagged = [v for v in group if not module.is_pseudo_version(v)]
    if not module.is_pseudo_version(version):
        tagged.append(version)
    if not tagged:
        return version
    releases = [v for v in tagged if not semver.prerelease(v)]
    highest = _highest(releases or tagged)
    # Equal versions that differ in build metadata are the same version.
    return version if semver.compare(highest, version) == 0 else highest


@dataclass(frozen=True, slots=True)
class _Retraction:
    low: str
    high: str
    rationale: str

    def covers(self, version: str) -> bool:
        # As the go command does: build metadata (+incompatible) is ignored.
        return (
            semver.compare(self.low, version) <= 0
            and semver.compare(version, self.high) <= 0
        )

    def directive(self) -> str:
        if self.low == self.high:
            return f"retract {self.low}"
        return f"retract [{self.low}, {self.high}]"


def _retractions(go_mod: ModFile | None) -> list[_Retraction]:
    if go_mod is None:
        return []
    # A dependency's go.mod read laxly may hold bounds that are not versions.
    return [
        _Retraction(r.low, r.high, r.rationale)
        for r in go_mod.retracts
        if semver.is_valid(r.low) and semver.is_valid(r.high)
    ]


class _Taken:
    """The versions a suggestion must avoid: published ones and retracted ones."""

    def __init__(self, versions: Iterable[str], retractions: list[_Retraction]) -> None:
        self.published = frozenset(versions)
        self.retractions = retractions

    def retracting(self, version: str) -> bool:
        return any(r.covers(version) for r in self.retractions)

    def blocker(self, version: str, floor: str) -> str:
        """Return what version must get above to be free, or "" if it is free.

        floor, when given, is a version that every suggestion must exceed.
        """
        blocking = [floor] if floor and semver.compare(version, floor) <= 0 else []
        if version in self.published:
            blocking.append(version)
        blocking.extend(r.high for r in self.retractions if r.covers(version))
        return _highest(semver.canonical(v) for v in blocking)

    def free_release(self, candidate: str, floor: str, build: str = "") -> str:
        """Return the first free release from candidate on, moving by patches."""
        version = candidate
        while blocking := self.blocker(version + build, floor):
            version = _bump("patch", blocking)
        return version

    def free_prerelease(
        self, candidate: str, floor: str, build: str = ""
    ) -> str | None:
        """Return the first free prerelease of candidate's release from it on."""
        release = _release_of(candidate)
        version = candidate
        while blocking := self.blocker(version + build, floor):
            # Between a prerelease and its release lie only prereleases of it.
            if semver.compare(blocking, release) >= 0:
                return None
            version = _next_prerelease(blocking)
        return version


# ---------------------------------------------------------------------------
# Version arithmetic on canonical versions


def _numbers(version: str) -> tuple[int, int, int]:
    core = _release_of(version)
    major, minor, patch = core[1:].split(".")
    return int(major), int(minor), int(patch)


def _release_of(version: str) -> str:
    """Return vX.Y.Z for vX.Y.Z-pre (and for vX.Y.Z+build)."""
    canonical = semver.canonical(version)
    return canonical[: len(canonical) - len(semver.prerelease(canonical))]


def _bump(kind: Kind, after: str) -> str:
    """Return the lowest release above after that differs at kind's level.

    A prerelease is below its release, so after v1.3.0-rc.1 the next minor is
    v1.3.0 itself; after v1.3.0 it is v1.4.0.
    """
    x, y, z = _numbers(after)
    pre = bool(semver.prerelease(after))
    if kind == "patch":
        return f"v{x}.{y}.{z}" if pre else f"v{x}.{y}.{z + 1}"
    if kind == "minor":
        return f"v{x}.{y}.0" if pre and z == 0 else f"v{x}.{y + 1}.0"
    return f"v{x}.0.0" if pre and y == z == 0 else f"v{x + 1}.0.0"


def _next_prerelease(version: str) -> str:
    """Return the next prerelease: rc.1 gives rc.2, and rc gives rc.1."""
    identifiers = semver.prerelease(version)[1:].split(".")
    last = identifiers[-1]
    if last.isascii() and last.isdigit():
        identifiers[-1] = str(int(last) + 1)
    else:
        identifiers.append("1")
    return _release_of(version) + "-" + ".".join(identifiers)


def _highest(versions: Iterable[str]) -> str:
    """Return the highest of versions, unchanged, or "" if there are none."""
    best = ""
    for v in versions:
        if not best or semver.compare(v, best) > 0:
            best = v
    return best


# ---------------------------------------------------------------------------
# Warning texts


def _error(code: Code, message: str) -> VersionWarning:
    return VersionWarning(code, "error", message)


def invalid_version_message(version: str) -> str:
    """Say that version is no semantic version, with the likely one meant."""
    message = f"{version!r} is not a semantic version; versions look like v1.2.3"
    if semver.is_valid("v" + version):
        message += f" (did you mean {module.canonical_version('v' + version)}?)"
    return message


def _major_mismatch(line: _Line, version: str, *, has_go_mod: bool) -> str:
    """Return why version does not fit the path, with the fix, or ""."""
    major = semver.major(version)
    plain = version.removesuffix(_INCOMPATIBLE)

    def invalid(reason: str) -> str:
        return f"{line.path}@{version}: invalid version: {reason}"

    if semver.build(version) == _INCOMPATIBLE:
        # The go command's checks, in a more useful order: a compatible major
        # needs no suffix whatever the path.
        if major in ("v0", "v1"):
            reason = (
                f"+incompatible suffix not allowed: major version {major} is compatible"
            )
            return f"{invalid(reason)}; publish {plain}"
        if line.path_major:
            reason = (
                "+incompatible suffix not allowed: module path includes a major "
                "version suffix, so major version must match"
            )
            if major in line.majors:
                return f"{invalid(reason)}; publish {plain}"
            return f"{invalid(reason)}; {line.change_for(major)}, then publish {plain}"
        if has_go_mod:
            reason = (
                "+incompatible suffix not allowed: module contains a go.mod file, "
                "so semantic import versioning is required"
            )
            return f"{invalid(reason)}; {line.change_for(major)}, then publish {plain}"
        return ""

    try:
        module.check(line.path, version)
    except InvalidModuleError as exc:
        message = f"{exc}; {line.change_for(major)}"
        if not line.path_major and not has_go_mod:
            message += (
                f", or publish {version}+incompatible if the module has no go.mod"
            )
        return message
    return ""


def _retracted_warning(
    version: str, retraction: _Retraction, where: str
) -> VersionWarning:
    message = f"{version} is retracted by {where} ({retraction.directive()})"
    if retraction.rationale:
        rationale = " ".join(retraction.rationale.split())
        message += f': "{rationale}"'
    message += (
        "; the go command will not choose it and warns whoever uses it: publish it "
        "only to carry the retraction, or choose another version"
    )
    return VersionWarning("retracted", "warning", message)
