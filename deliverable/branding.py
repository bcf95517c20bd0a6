"""A consultancy's branding for the report cover: a name, an optional PNG or JPEG logo, and whether its reports
are white-label (no tool name, no internal notes)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_LOGO_BYTES = 5_000_000  # a logo, not a photo album


@dataclass(frozen=True)
class Branding:
    """Who prepared the report. `logo` holds PNG or JPEG bytes; anything else is left off the cover.
    `white_label`: the report names no tool and carries none of its internal notes, to send as it is."""

    name: str = ""
    logo: bytes | None = None
    white_label: bool = False

    def logo_kind(self) -> str | None:
        """'png' or 'jpeg' when the logo's bytes start like one, else None."""
        if not self.logo or len(self.logo) > MAX_LOGO_BYTES:
            return None
        if self.logo.startswith(b"\x89PNG\r\n\x1a\n"):
            return "png"
        if self.logo.startswith(b"\xff\xd8\xff"):
            return "jpeg"
        return None
