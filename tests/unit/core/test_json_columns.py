"""What JSON columns hand to the database driver."""

from __future__ import annotations

import json

from bailiff.core.db import _json_bytes, _json_text


def test_json_columns_take_what_the_standard_encoder_takes() -> None:
    value = {"name": "Иванов", "amount": "10.00", "n": 2**70, 3: [None, True, 1.5]}
    # orjson refuses integers beyond 64 bits; the standard encoder's text is used for those.
    assert json.loads(_json_bytes(value)) == json.loads(json.dumps(value))
    plain = {"name": "Иванов", 3: [None, True, 1.5]}
    assert json.loads(_json_text(plain)) == {"name": "Иванов", "3": [None, True, 1.5]}
    # UTF-8 as is, not \\u escapes: half the bytes for Cyrillic text.
    assert "Иванов" in _json_text(plain)


def test_bulk_loads_store_none_in_json_columns_as_the_orm_does() -> None:
    from sqlalchemy import JSON, Column, MetaData, Table
    from sqlalchemy.dialects import postgresql

    from bailiff.core.bulk import _binary_plan, _text_processor

    table = Table("t", MetaData(), Column("plain", JSON().with_variant(postgresql.JSONB(), "postgresql")),
                  Column("nullable", JSON(none_as_null=True)))
    dialect = postgresql.psycopg.dialect()
    # SQLAlchemy's JSON type writes None as JSON null unless none_as_null is set; COPY must agree,
    # in the text format (kept for column types without a binary form) and the binary one.
    assert _text_processor(table.c.plain, dialect)(None) == "null"
    assert _text_processor(table.c.nullable, dialect)(None) is None
    assert _text_processor(table.c.plain, dialect)({"a": 1}) == '{"a":1}'
    plan = _binary_plan([table.c.plain, table.c.nullable], dialect)
    assert plan is not None
    types, (plain, nullable), _, _ = plan
    assert types == ["jsonb", "json"]
    assert plain(None) == b"null" and nullable(None) is None
    assert plain({"a": 1}) == b'{"a":1}'


def test_json_read_back_keeps_every_integer_exact() -> None:
    from bailiff.core.db import _json_loads

    for text, exact in (('{"n": 1180591620717411303424, "s": "x"}', 2**70),
                        ('{"n": 12345678901234567890123}', 12345678901234567890123)):
        for given in (text, text.encode()):
            value = _json_loads(given)["n"]
            assert type(value) is int and value == exact  # 2**70 as a float would compare equal
    # Eighteen digits, or nineteen split by a character, stay on the fast path and read the same.
    for text in ('{"n": 123456789012345678}', '{"s": "1234567890.123456789"}', '{"a": [1, 2.5, "12"]}'):
        assert _json_loads(text) == json.loads(text)
    assert _json_loads('{"n": 18446744073709551616}')["n"] == 2**64  # orjson alone would give a float
