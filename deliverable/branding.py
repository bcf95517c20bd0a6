"""A consultancy's branding for the report cover: a name and an optional PNG or JPEG logo."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LOGO_BYTES = 5_000_000  # a logo, not a photo album


@dataclass(frozen=True)
class Branding:
    """Who prepared the report. `logo` holds PNG or JPEG bytes; anything else is left off the cover."""

    name: str = ""
    logo: bytes | None = None

    def logo_kind(self) -> str | None:
        """'png' or 'jpeg' when the logo's bytes start like one, else None."""
        if not self.logo or len(self.logo) > MAX_LOGO_BYTES:
            return None
        if self.logo.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if self.logo.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        return None
