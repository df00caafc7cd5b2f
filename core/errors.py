"""The exceptions of gomodpub's core.

Every error the core raises on purpose derives from :class:`GomodpubError`, so
the command line and the app turn all of them into one clear message::

    GomodpubError
    ├── InvalidModuleError      a module path, version or file path is not allowed
    ├── ModFileError            go.mod does not parse (file:line:col in the message)
    ├── ZipError                a module zip or folder breaks the zip rules
    ├── AuthError               sign-in failed or the session expired
    ├── RegistryError           the registry refused a request or cannot be reached
    │   └── ConflictError       the version exists with other content, or the
    │                           module belongs to someone else
    └── LocalRegistryError      the local registry could not be started or stopped

Messages are written for the person at the keyboard: they say what is wrong and,
where there is one, what to do next.
"""


class GomodpubError(Exception):
    """Base class of every error the core raises on purpose."""


class InvalidModuleError(GomodpubError):
    """A module path, import path, file path or version is not allowed."""


class ModFileError(GomodpubError):
    """A go.mod file does not parse; the message carries file:line:col."""


class ZipError(GomodpubError):
    """A module zip, or the folder it is made from, breaks the zip rules."""


class AuthError(GomodpubError):
    """Signing in failed, or the saved session can no longer be used."""


class RegistryError(GomodpubError):
    """The registry refused a request or could not be reached.

    Attributes:
        code: the registry's stable error code, or "unreachable".
        status: the HTTP status, when there was a response.
    """

    def __init__(self, message: str, *, code: str = "error", status: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class ConflictError(RegistryError):
    """The version exists with other content, or the module has another owner."""


class LocalRegistryError(GomodpubError):
    """The local registry (MiniStack) could not be started, deployed or stopped."""
