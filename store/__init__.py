"""The consultant workspace's storage: SQLite by default, PostgreSQL by URL, through SQLAlchemy and Alembic."""

from store.errors import ConflictError, NotFound, StoreError

__all__ = ["ConflictError", "NotFound", "StoreError"]
