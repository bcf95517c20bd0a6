"""A consultancy's branding for the report cover: a name and an optional PNG or JPEG logo."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_LOGO_BYTES = 5_000_000  # a logo, not a photo album


@dataclass(frozen=True)
class Branding:
    """Who prepared the report. `logo` holds PNG or JPEG bytes; anything else is left off the cover."""

    name: str = ""
    logo: bytes | None = None

    @classmethod
    def coerce(cls, value: Any) -> Branding | None:
        """A Branding from None, a Branding, a mapping or any object with `name` and `logo` attributes."""
        if value is None or isinstance(value, Branding):
            return value
        if isinstance(value, Mapping):
            name, logo = value.get("name"), value.get("logo")
        else:
            name, logo = getattr(value, "name", None), getattr(value, "logo", None)
        if isinstance(logo, bytearray | memoryview):
            logo = bytes(logo)
        return cls(
            name=name if isinstance(name, str) else ("" if name is None else str(name)),
            logo=logo if isinstance(logo, bytes) else None,
        )

    def logo_kind(self) -> str | None:
        """'png' or 'jpeg' when the logo's bytes start like one, else None."""
        if not self.logo or len(self.logo) > MAX_LOGO_BYTES:
            return None
        if self.logo.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if self.logo.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        return None
