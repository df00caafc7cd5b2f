"""Sizes, rates and durations as people read them."""

from __future__ import annotations

_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB")


def size(n: float) -> str:
    """A byte count: "512 bytes", "57.1 KiB", "500 MiB"."""
    if abs(n) < 1024:
        return f"{int(n)} bytes" if int(n) != 1 else "1 byte"
    value = float(n)
    for unit in _UNITS[1:]:
        value /= 1024
        if abs(value) < 1024 or unit == _UNITS[-1]:
            break
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}"


def rate(bytes_per_second: float) -> str:
    """A transfer rate: "3.2 MiB/s"."""
    return f"{size(bytes_per_second)}/s"


def duration(seconds: float) -> str:
    """A time left, rounded up: "5 s", "2 min 10 s", "1 h 3 min"."""
    total = max(0, int(seconds + 0.999))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"
