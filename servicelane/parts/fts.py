"""The full-text index over ``parts_part.search_text``, per database.

SQLite: an FTS5 table with external content (it stores only the index; the text stays
in ``parts_part``), kept in step by three triggers. PostgreSQL: a GIN index over
``to_tsvector('simple', search_text)``; queries must use exactly that expression.

Django remakes a table on SQLite to alter it (copy, drop, rename), which drops its
triggers; ``ensure_sqlite_index`` (run after every ``migrate``) puts them back and
rebuilds the index when they were missing.
"""

from typing import Any

FTS_TABLE = "parts_part_fts"
TRIGGERS = ("parts_part_fts_insert", "parts_part_fts_delete", "parts_part_fts_update")

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS parts_part_fts USING fts5("
    "search_text, content='parts_part', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS parts_part_fts_insert AFTER INSERT ON parts_part BEGIN
        INSERT INTO parts_part_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS parts_part_fts_delete AFTER DELETE ON parts_part BEGIN
        INSERT INTO parts_part_fts(parts_part_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS parts_part_fts_update AFTER UPDATE OF search_text
        ON parts_part WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO parts_part_fts(parts_part_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO parts_part_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_REBUILD = "INSERT INTO parts_part_fts(parts_part_fts) VALUES ('rebuild')"
SQLITE_OPTIMIZE = "INSERT INTO parts_part_fts(parts_part_fts) VALUES ('optimize')"
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS parts_part_fts_insert",
    "DROP TRIGGER IF EXISTS parts_part_fts_delete",
    "DROP TRIGGER IF EXISTS parts_part_fts_update",
    "DROP TABLE IF EXISTS parts_part_fts",
]

POSTGRES_INDEX = (
    "CREATE INDEX IF NOT EXISTS parts_part_search_gin ON parts_part "
    "USING gin (to_tsvector('simple', search_text))"
)
POSTGRES_DROP = "DROP INDEX IF EXISTS parts_part_search_gin"


def install(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_REBUILD]:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_INDEX)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


def ensure_sqlite_index(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate``: the triggers exist (put back, with a rebuild, if a table
    rewrite dropped them)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s OR type = 'trigger' AND name IN "
            "(%s, %s, %s)",
            [FTS_TABLE, *TRIGGERS],
        )
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in present or present >= {FTS_TABLE, *TRIGGERS}:
            return  # not migrated this far yet, or all in place
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
        cursor.execute(SQLITE_REBUILD)
