"""Field types shared by request bodies and documents: values as JSON writes them, nothing coerced.

Pydantic's lax mode reads the number 0 as the date 1970-01-01 and the string "yes" as true; a signed
writ or a commission's decision must say what it means, so such values are refused instead.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
