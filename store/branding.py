"""The consultancy's branding for report covers, and whether its reports are white-label, kept in the settings table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from deliverable.branding import MAX_LOGO_BYTES, Branding
from store.db import reading, writing
from store.errors import StoreError
from store.models import SettingRow
from store.records import clean_name, upsert_insert, utc_now

LOGO_MAX_BYTES = MAX_LOGO_BYTES  # the ceiling the PDF cover applies
BRANDING_NAME = "branding.name"
BRANDING_LOGO = "branding.logo"
BRANDING_WHITE_LABEL = "branding.white_label"  # text "1" when the reports name no tool


def _put_setting(s: Session, key: str, *, text: str | None = None, data: bytes | None = None) -> None:
    now = utc_now()
    insert = upsert_insert(s)(SettingRow).values(key=key, text=text, data=data, updated_at=now)
    s.execute(insert.on_conflict_do_update(index_elements=["key"], set_={"text": text, "data": data, "updated_at": now}))


def get_branding(engine: Engine) -> Branding:
    """The consultancy's name and logo for report covers (empty when not set), and whether reports are white-label."""
    keys = (BRANDING_NAME, BRANDING_LOGO, BRANDING_WHITE_LABEL)
    with reading(engine) as s:
        rows = {r.key: r for r in s.scalars(select(SettingRow).where(SettingRow.key.in_(keys)))}
    name = rows[BRANDING_NAME].text if BRANDING_NAME in rows else None
    logo = rows[BRANDING_LOGO].data if BRANDING_LOGO in rows else None
    white = BRANDING_WHITE_LABEL in rows and rows[BRANDING_WHITE_LABEL].text == "1"
    return Branding(name or "", bytes(logo) if logo else None, white)


def set_branding(engine: Engine, name: str, logo: bytes | None, white_label: bool | None = None) -> Branding:
    """Set the consultancy's name and logo (PNG or JPEG, at most 5 MB; None removes it), and whether its reports
    are white-label (None: as it was)."""
    name = clean_name(name, "field_consultancy_name", allow_empty=True)
    if logo is not None:
        if not isinstance(logo, bytes | bytearray | memoryview):
            raise StoreError(key="store_logo_not_image")
        logo = bytes(logo)
        if len(logo) > LOGO_MAX_BYTES:
            raise StoreError(key="store_logo_too_big", size=f"{len(logo):,}", limit=f"{LOGO_MAX_BYTES:,}")
        if not (logo.startswith(b"\x89PNG\r\n\x1a\n") or logo.startswith(b"\xff\xd8\xff")):
            raise StoreError(key="store_logo_not_image")
    with writing(engine) as s:
        _put_setting(s, BRANDING_NAME, text=name)
        _put_setting(s, BRANDING_LOGO, data=logo or None)
        if white_label is not None:
            _put_setting(s, BRANDING_WHITE_LABEL, text="1" if white_label else "")
        else:
            row = s.get(SettingRow, BRANDING_WHITE_LABEL)
            white_label = row is not None and row.text == "1"
    return Branding(name, logo or None, white_label)
