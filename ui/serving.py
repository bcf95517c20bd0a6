"""Three changes to how the pinned Streamlit serves, made once per process (`harden()`), before it
serves anything when started by `pirisk app`, and at the first script run otherwise (app.py):

- no look-up of the machine's public address: Streamlit asks checkip.amazonaws.com (a DNS query and a
  request) whenever a WebSocket's Origin is not the server's own name, to compare the two. Nothing may
  leave the machine; a foreign Origin is simply refused.
- a download is served for its click only (FETCHES_PER_DOWNLOAD requests), and only within
  DOWNLOAD_SECONDS of being made: Streamlit keeps the file a download button made in memory, at
  /media/<id>, until later script runs drop it, for anyone who has the address.
- no session id in Streamlit's own log: it names a session it reconnects; that id would let a reader
  of the log resume the session.

tests/test_security_third_pass.py checks each against the pinned Streamlit.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any

DOWNLOAD_SECONDS = 60.0  # a download is fetched right after the click that makes it
# Streamlit's page asks for a download twice: it checks the address (a fetch), and the browser saves it.
FETCHES_PER_DOWNLOAD = 2
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_done = threading.Lock()
_hardened = False


def harden() -> None:
    """Make the three changes (once per process; later calls only cover loggers created since)."""
    global _hardened
    with _done:
        if not _hardened:
            _no_public_address_lookup()
            _downloads_once()
            _hardened = True
        _redact_streamlit_logs()


def _no_public_address(*_: Any) -> None:
    return None


def _no_public_address_lookup() -> None:
    from streamlit import net_util

    net_util.get_external_ip = _no_public_address  # read from the module at each call, by the CORS check and the banner


def _downloads_once() -> None:
    from streamlit.runtime.media_file_storage import MediaFileKind, MediaFileStorageError
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage, get_extension_for_mimetype

    storage_class: Any = MemoryMediaFileStorage
    load, get = storage_class.load_and_get_id, storage_class.get_file
    made: dict[str, list[float]] = {}  # a download's id -> [when it was made (monotonic), fetches left]
    lock = threading.Lock()

    def load_and_get_id(self: Any, path_or_data: Any, mimetype: str, kind: Any, filename: str | None = None) -> str:
        file_id = load(self, path_or_data, mimetype, kind, filename)
        if kind == MediaFileKind.DOWNLOADABLE:
            with lock:
                made[file_id] = [time.monotonic(), FETCHES_PER_DOWNLOAD]
        return file_id

    def get_file(self: Any, filename: str) -> Any:
        found = get(self, filename)
        if found.kind == MediaFileKind.DOWNLOADABLE:
            file_id = filename.rsplit(".", 1)[0]
            with lock:
                when, left = made.get(file_id) or [float("-inf"), 0]
                fresh = left > 0 and time.monotonic() - when <= DOWNLOAD_SECONDS
                if fresh and left > 1:
                    made[file_id][1] = left - 1
                else:  # this was its last fetch, or it is too late for any
                    made.pop(file_id, None)
                    self.delete_file(file_id)
            if not fresh:
                raise MediaFileStorageError(f"Bad filename '{filename}'. (expired)")
        return found

    def get_url(self: Any, file_id: str) -> str:
        # Streamlit's own reads the file with get_file, which would now count as its one fetch.
        try:
            stored = self._files_by_id[file_id]
        except KeyError as err:
            raise MediaFileStorageError(f"No media file with id '{file_id}'") from err
        return f"{self._media_endpoint}/{file_id}{get_extension_for_mimetype(stored.mimetype)}"

    storage_class.load_and_get_id, storage_class.get_file, storage_class.get_url = load_and_get_id, get_file, get_url


class RedactIds(logging.Filter):
    """Replaces every UUID (Streamlit's session and upload ids) in a log record by `<id>`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _UUID.search(message):
            record.msg, record.args = _UUID.sub("<id>", message), None
        return True


_REDACT = RedactIds()


def _redact_streamlit_logs() -> None:
    # Streamlit's loggers do not propagate: each has its own handler, so each gets the filter.
    from streamlit import logger as streamlit_logger

    for log in [*streamlit_logger._loggers.values(), logging.getLogger()]:
        if _REDACT not in log.filters:
            log.addFilter(_REDACT)
