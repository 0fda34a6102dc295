"""Interface text: Russian first, English available (?lang=en, a cookie, or Accept-Language)."""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("ru", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "ru": {
        "app.name": "Бейлиф — исполнение судебных решений",
        "nav.verify": "Проверить исполнительный документ",
        "nav.api": "API и документация",
        "nav.log": "Журнал прозрачности",
        "verify.title": "Проверка исполнительного документа",
        "verify.prompt": "Регистрационный номер",
        "verify.submit": "Проверить",
        "verify.not_found": "Документ с таким номером в реестре не найден.",
        "verify.registered": "Документ зарегистрирован в реестре",
        "verify.status": "Статус",
        "verify.type": "Вид документа",
        "verify.issuer": "Выдавший орган (код)",
        "verify.hash": "Хеш документа (SHA-256)",
        "verify.registered_at": "Дата регистрации",
        "verify.leaf": "Номер записи в журнале",
        "verify.proof": "Доказательство включения (RFC 9162)",
        "verify.tree_size": "Размер дерева",
        "verify.history": "История",
        "verify.superseded_by": "Заменён дубликатом",
        "verify.original": "Дубликат документа",
        "verify.privacy": "Персональные данные не показываются: только хеши и статусы.",
        "status.registered": "зарегистрирован",
        "status.presented": "предъявлен к исполнению",
        "status.in_execution": "на исполнении",
        "status.executed": "исполнен",
        "status.returned": "возвращён взыскателю",
        "status.recalled": "отозван судом",
        "status.superseded": "заменён дубликатом",
        "home.intro": "Открытая платформа для цифрового исполнения судебных решений.",
        "home.tree_size": "Записей в журнале прозрачности",
        "home.writs": "Документов в реестре",
        "type.writ_of_execution": "исполнительный лист",
        "type.court_order": "судебный приказ",
        "type.notarial_agreement": "нотариальное соглашение об уплате алиментов",
        "type.notary_writ": "исполнительная надпись нотариуса",
        "type.commission_certificate": "удостоверение комиссии по трудовым спорам",
        "type.bank_claim": "требование контролирующего органа",
        "type.agency_act": "акт органа по делу об административном правонарушении",
        "type.bailiff_order": "постановление судебного пристава-исполнителя",
        "action.writ.registered": "зарегистрирован в реестре",
        "action.writ.present": "предъявлен к исполнению",
        "action.writ.start_execution": "возбуждено исполнительное производство",
        "action.writ.complete": "исполнен",
        "action.writ.return": "возвращён взыскателю",
        "action.writ.recall": "отозван судом",
        "action.writ.superseded": "заменён дубликатом",
        "lang.switch": "English",
    },
    "en": {
        "app.name": "Bailiff — enforcement of court judgments",
        "nav.verify": "Verify a writ",
        "nav.api": "API and documentation",
        "nav.log": "Transparency log",
        "verify.title": "Verify a writ of enforcement",
        "verify.prompt": "Register number",
        "verify.submit": "Verify",
        "verify.not_found": "No writ with this number is in the register.",
        "verify.registered": "The writ is in the register",
        "verify.status": "Status",
        "verify.type": "Document type",
        "verify.issuer": "Issuer (code)",
        "verify.hash": "Document hash (SHA-256)",
        "verify.registered_at": "Registered at",
        "verify.leaf": "Log leaf index",
        "verify.proof": "Inclusion proof (RFC 9162)",
        "verify.tree_size": "Tree size",
        "verify.history": "History",
        "verify.superseded_by": "Superseded by duplicate",
        "verify.original": "Duplicate of",
        "verify.privacy": "No personal data is shown: only hashes and statuses.",
        "status.registered": "registered",
        "status.presented": "presented for enforcement",
        "status.in_execution": "in execution",
        "status.executed": "executed",
        "status.returned": "returned to the claimant",
        "status.recalled": "recalled by the court",
        "status.superseded": "superseded by a duplicate",
        "home.intro": "An open platform for the digital enforcement of court judgments.",
        "home.tree_size": "Entries in the transparency log",
        "home.writs": "Writs in the register",
        "type.writ_of_execution": "writ of execution",
        "type.court_order": "court order",
        "type.notarial_agreement": "notarised alimony agreement",
        "type.notary_writ": "notary's enforcement inscription",
        "type.commission_certificate": "labour disputes commission certificate",
        "type.bank_claim": "claim of a supervisory authority",
        "type.agency_act": "act in an administrative offence case",
        "type.bailiff_order": "bailiff's order",
        "action.writ.registered": "registered",
        "action.writ.present": "presented for enforcement",
        "action.writ.start_execution": "enforcement proceedings opened",
        "action.writ.complete": "executed",
        "action.writ.return": "returned to the claimant",
        "action.writ.recall": "recalled by the court",
        "action.writ.superseded": "superseded by a duplicate",
        "lang.switch": "Русский",
    },
}


def language(request: Request) -> str:
    """The reader's language: explicit choice, then cookie, then Accept-Language, else Russian."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "ru"


def translator(lang: str):  # noqa: ANN201 - returns a plain callable for templates
    """A `t(key)` function for templates; a missing key shows itself so it is noticed."""
    table = MESSAGES[lang]
    return lambda key: table.get(key, MESSAGES["ru"].get(key, key))
