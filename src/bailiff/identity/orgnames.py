"""Organisation names: quotes, case and legal forms folded (ООО «Ромашка» = Общество с ограниченной
ответственностью "Ромашка")."""

from __future__ import annotations

import re

# --- organisations --------------------------------------------------------------------------

_LONG_FORMS = (
    ("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ", "ООО"),
    ("ОБЩЕСТВО С ДОПОЛНИТЕЛЬНОЙ ОТВЕТСТВЕННОСТЬЮ", "ОДО"),
    ("НЕПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "НАО"),
    ("ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "ПАО"),
    ("ЗАКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "ЗАО"),
    ("ОТКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", "ОАО"),
    ("АКЦИОНЕРНОЕ ОБЩЕСТВО", "АО"),
    ("ИНДИВИДУАЛЬНЫЙ ПРЕДПРИНИМАТЕЛЬ", "ИП"),
    ("ФЕДЕРАЛЬНОЕ ГОСУДАРСТВЕННОЕ УНИТАРНОЕ ПРЕДПРИЯТИЕ", "ФГУП"),
    ("ГОСУДАРСТВЕННОЕ УНИТАРНОЕ ПРЕДПРИЯТИЕ", "ГУП"),
    ("МУНИЦИПАЛЬНОЕ УНИТАРНОЕ ПРЕДПРИЯТИЕ", "МУП"),
    ("АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ", "АНО"),
    ("ТОВАРИЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ", "ТОО"),
    ("ТОВАРИЩЕСТВО СОБСТВЕННИКОВ ЖИЛЬЯ", "ТСЖ"),
    ("ТОВАРИЩЕСТВО СОБСТВЕННИКОВ НЕДВИЖИМОСТИ", "ТСН"),
    ("САДОВОДЧЕСКОЕ НЕКОММЕРЧЕСКОЕ ТОВАРИЩЕСТВО", "СНТ"),
    ("КРЕДИТНЫЙ ПОТРЕБИТЕЛЬСКИЙ КООПЕРАТИВ", "КПК"),
    ("КРЕСТЬЯНСКОЕ ФЕРМЕРСКОЕ ХОЗЯЙСТВО", "КФХ"),
    ("НЕКОММЕРЧЕСКОЕ ПАРТНЕРСТВО", "НП"),
    ("ФЕДЕРАЛЬНОЕ ГОСУДАРСТВЕННОЕ БЮДЖЕТНОЕ УЧРЕЖДЕНИЕ", "ФГБУ"),
    ("ГОСУДАРСТВЕННОЕ БЮДЖЕТНОЕ УЧРЕЖДЕНИЕ", "ГБУ"),
    ("МУНИЦИПАЛЬНОЕ БЮДЖЕТНОЕ УЧРЕЖДЕНИЕ", "МБУ"),
    ("ГОСУДАРСТВЕННОЕ КАЗЕННОЕ УЧРЕЖДЕНИЕ", "ГКУ"),
    ("МУНИЦИПАЛЬНОЕ КАЗЕННОЕ УЧРЕЖДЕНИЕ", "МКУ"),
)
_LATIN_FORMS = {"LLC": "ООО", "OOO": "ООО", "JSC": "АО", "AO": "АО", "PJSC": "ПАО", "PAO": "ПАО",
                "CJSC": "ЗАО", "ZAO": "ЗАО", "OJSC": "ОАО", "OAO": "ОАО"}
_SHORT_FORMS = {form for _, form in _LONG_FORMS} | {"ФГБОУ", "ФКУ", "МАУ", "ГАУ"} | set(_LATIN_FORMS)
_QUOTES = re.compile(r"[«»“”„‟\"'‘’‚‛‹›`´″]")
_LONG_RE = [(re.compile(rf"(?<![А-Я]){re.escape(long)}(?![А-Я])"), short) for long, short in _LONG_FORMS]


def normalize_org_name(name: str) -> tuple[str, str | None]:
    """Organisation name → (core name key, legal form abbreviation or None)."""
    text = _QUOTES.sub(" ", name or "").upper().replace("Ё", "Е").replace("(", " ").replace(")", " ")
    text = " ".join(text.split())
    form = None
    for pattern, short in _LONG_RE:
        if pattern.search(text):
            text, form = pattern.sub(" ", text, count=1), short
            break
    words = text.split()
    if form is None and words:
        for index in (0, -1):
            bare = words[index].strip(",.;:")
            if bare in _SHORT_FORMS and len(words) > 1:
                form = _LATIN_FORMS.get(bare, bare)
                del words[index]
                break
    core = " ".join(" ".join(words).strip(" ,.;:-").split())
    if not core:
        return " ".join((name or "").split()).upper().replace("Ё", "Е"), None
    return core, form
