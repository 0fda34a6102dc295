"""Demo data through the real use cases: organisations, keys, signed writs, transitions."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bailiff.config import Settings
from bailiff.core.actor import CLI_ADMIN, Actor
from bailiff.core.clock import today
from bailiff.core.crypto import SigningKey, sign_envelope
from bailiff.core.db import Database
from bailiff.demo import kazakhstan
from bailiff.demo.generator import DemoIssuer, make_issuers, make_writs
from bailiff.demo.russian import region_towns
from bailiff.identity.identifiers import corrupt_check_digit
from bailiff.jurisdictions import load_profile
from bailiff.orgs import service as orgs
from bailiff.orgs.models import Organization
from bailiff.register import service as register
from bailiff.register import transitions

SERVICE_CODE = "FSSP-RU"
SERVICE_CODES = {"RU": SERVICE_CODE, "KZ": "MOJ-KZ"}
SERVICE_NAMES = {"RU": "Федеральная служба судебных приставов",
                 "KZ": "Министерство юстиции Республики Казахстан"}
BATCH = 500


def _issuer_key(keys_dir: Path, code: str) -> SigningKey:
    path = keys_dir / code / "private.pem"
    key = SigningKey.load_or_create(path)
    (path.parent / "public.pem").write_bytes(key.public_pem)
    return key


def _ensure_org(database: Database, tokens: Path, *, kind: str, code: str, name: str, region: str | None,
                key: SigningKey | None) -> Actor:
    """Create the organisation once; its token is kept in demo-keys/tokens.json for trying the API."""
    with database.transaction() as session:
        org = session.scalar(select(Organization).where(Organization.code == code))
        if org is not None:
            return Actor(kind="org", ident=code, role=kind, org_id=org.id)
        new = orgs.add_org(session=session, kind=kind, code=code, name=name, actor=CLI_ADMIN, region=region,
                           public_key_der=key.public_der if key else None)
    known = json.loads(tokens.read_text()) if tokens.exists() else {}
    known[code] = new.token
    tokens.write_text(json.dumps(known, indent=1))
    tokens.chmod(0o600)
    return Actor(kind="org", ident=code, role=kind, org_id=new.id)


def run_demo(*, database: Database, settings: Settings, writs: int, seed: int,
             on_progress: Callable[[int], None] | None = None, on_date: date | None = None) -> dict[str, Any]:
    """Register `writs` generated writs (some forged, re-sent, or duplicates); return a summary."""
    rng = random.Random(seed)
    profile = load_profile(settings.jurisdiction)
    if profile.code not in ("RU", "KZ"):
        raise ValueError(f"the demo generates Russian and Kazakh writs; BAILIFF_JURISDICTION is {settings.jurisdiction}")
    kazakh = profile.code == "KZ"
    keys_dir = settings.data_dir / "demo-keys"
    when = on_date or today()
    issuers = kazakhstan.make_issuers(rng) if kazakh else make_issuers(rng, 12)
    keys_dir.mkdir(parents=True, exist_ok=True)
    tokens = keys_dir / "tokens.json"
    actors: dict[str, Actor] = {}
    keys: dict[str, SigningKey] = {}
    for issuer in issuers:
        keys[issuer.code] = _issuer_key(keys_dir, issuer.code)
        actors[issuer.code] = _ensure_org(database, tokens, kind=issuer.kind, code=issuer.code, name=issuer.name,
                                          region=issuer.region, key=keys[issuer.code])
    service_actor = _ensure_org(database, tokens, kind="bailiff_service", code=SERVICE_CODES[profile.code],
                                name=SERVICE_NAMES[profile.code], region=None, key=None)
    forger = SigningKey.generate()
    counts = {"generated": 0, "accepted": 0, "replayed": 0, "rejected": 0, "forgeries": 0, "resends": 0,
              "duplicates": 0, "identifier_typos": 0, "presented": 0}
    rejections: dict[str, int] = {}
    example: str | None = None
    pending: dict[str, list[dict[str, Any]]] = {}
    registered: list[tuple[DemoIssuer, dict[str, Any]]] = []
    done = 0

    def flush(code: str) -> None:
        nonlocal example
        batch = pending.pop(code, [])
        if not batch:
            return
        with database.transaction() as session:
            results = register.register_batch(session=session, envelopes=batch, actor=actors[code],
                                              profile=profile, today=when)
        for result in results:
            if result.accepted:
                counts["replayed" if result.replay else "accepted"] += 1
                example = example or result.register_number
            else:
                counts["rejected"] += 1
                for error in result.errors:
                    rejections[error.rule] = rejections.get(error.rule, 0) + 1

    for issuer, document in (kazakhstan.make_writs if kazakh else make_writs)(rng, issuers, writs, when):
        counts["generated"] += 1
        envelope = sign_envelope(document, keys[issuer.code])
        roll = rng.random()
        if roll < 0.01:
            # A forgery: a document signed with a key that is not the court's.
            envelope = sign_envelope(document, forger)
            envelope["signature"]["key_id"] = keys[issuer.code].key_id
            counts["forgeries"] += 1
        elif roll < 0.02:
            # Tampering after signing: the debtor was swapped for someone else on the way.
            envelope["document"]["debtors"][0]["address"] = ("г. Алматы" if kazakh else "г. Москва") + ", ул. Подставная, д. 1"
            counts["forgeries"] += 1
        elif roll < 0.03 and _mistype_identifier(document):
            # A clerk's typo in an identifier: the court signed it, the check digit catches it.
            envelope = sign_envelope(document, keys[issuer.code])
            counts["identifier_typos"] += 1
        else:
            registered.append((issuer, document))
        pending.setdefault(issuer.code, []).append(envelope)
        if roll > 0.98:
            pending[issuer.code].append(envelope)  # the same writ sent twice: idempotent
            counts["resends"] += 1
        if len(pending[issuer.code]) >= BATCH:
            flush(issuer.code)
        done += 1
        if on_progress and done % 100 == 0:
            on_progress(done)
    for code in list(pending):
        flush(code)
    counts["bailiffs"] = _ensure_offices(database, rng, regions=profile.regions, kazakh=kazakh)
    _duplicates_and_transitions(database, rng, registered, keys, actors, service_actor, profile, when, counts)
    # The worker's job, done here so the demo starts with every debtor identified.
    from bailiff.core.worker import run_once
    from bailiff.subscriptions import all_handlers

    handlers = all_handlers(database, settings)
    while run_once(database, handlers):
        pass
    counts.update(_identity_summary(database))
    counts.update(_proceedings_summary(database))
    if on_progress:
        on_progress(done)
    return {"database": settings.database_url.split("///")[-1] if settings.is_sqlite else "postgresql",
            "issuers": len(issuers), **counts, "rejections_by_rule": rejections,
            "example_register_number": example, "issuer_keys": str(keys_dir), "tokens": str(tokens)}


def _identity_summary(database: Database) -> dict[str, Any]:
    from sqlalchemy import func

    from bailiff.identity.models import PartyLink, Person

    with database.reading() as session:
        outcomes = dict(session.execute(select(PartyLink.outcome, func.count()).group_by(PartyLink.outcome)).all())
        persons = session.scalar(select(func.count()).select_from(Person))
    return {"identity_outcomes": outcomes, "persons": persons}


def _mistype_identifier(document: dict[str, Any]) -> bool:
    """Corrupt the check digit of the first debtor's INN or IIN, if it has one."""
    identifiers = document["debtors"][0].get("identifiers", {})
    kind = next((k for k in ("inn", "iin") if k in identifiers), None)
    if kind is None:
        return False
    identifiers[kind] = corrupt_check_digit(identifiers[kind])
    return True


def _duplicates_and_transitions(database: Database, rng: random.Random, registered: list[tuple[DemoIssuer, dict]],
                                keys: dict[str, SigningKey], actors: dict[str, Actor], service_actor: Actor,
                                profile: Any, when: date, counts: dict[str, int]) -> None:
    """Present some writs (proceedings open on them) and have courts issue a few duplicates."""
    sample = rng.sample(registered, min(len(registered), max(1, len(registered) // 5))) if registered else []
    for i, (issuer, document) in enumerate(sample):
        with database.transaction() as session:
            from bailiff.core.crypto import document_hash

            try:
                writ = register.find_by_hash(session=session, document_hash=document_hash(document))
            except Exception:  # noqa: BLE001 - a writ rejected for its own reasons
                continue
            if writ.status != "registered":
                continue
            if i % 10 == 0:
                duplicate = dict(document, duplicate={"original_number": document["number"], "sequence": 1},
                                 issue_date=when.isoformat())
                results = register.register_batch(session=session, envelopes=[sign_envelope(duplicate, keys[issuer.code])],
                                                  actor=actors[issuer.code], profile=profile, today=when)
                counts["duplicates"] += int(results[0].accepted)
                continue
            # The department is left to the service: it follows the debtor's address (229-FZ art. 33).
            transitions.transition(session=session, register_number=writ.register_number, action="present",
                                reason="Заявление взыскателя о возбуждении исполнительного производства",
                                actor=service_actor)
            counts["presented"] += 1


def _ensure_offices(database: Database, rng: random.Random, *, regions: frozenset[str],
                    kazakh: bool = False) -> int:
    """Russia: one department per demo region serving its towns. Kazakhstan: one regional chamber of
    private bailiffs per demo city (`private` mode). Bailiffs of different capacities, the first the head."""
    from bailiff.assignment import service as assignment
    from bailiff.assignment.models import Office

    # (id, region, name, kind, localities, a bailiff's name, bailiffs, capacities to choose from)
    offices = [(office_id, region, name, "chamber", [locality], "Частный судебный исполнитель {n} ({office})", 6,
                (200, 400, 600, 900)) for office_id, (region, name, locality) in kazakhstan.chambers().items()] \
        if kazakh else [(f"{code}001", code, f"ОСП № 1 региона {code}", "department",
                         sorted({town.split("г.")[-1].strip() for town in towns}),
                         "Судебный пристав-исполнитель {n} ОСП {office}", 5, (300, 500, 800, 1200))
                        for code, towns in region_towns().items()]
    created = 0
    with database.transaction() as session:
        for office_id, region, name, kind, localities, title, count, capacities in offices:
            if session.get(Office, office_id) is not None:
                continue
            assignment.add_office(session=session, office_id=office_id, name=name, region=region, regions=regions,
                                  kind=kind, localities=localities, actor=CLI_ADMIN)
            for n in range(1, count + 1):
                assignment.add_bailiff(session=session, bailiff_id=f"{office_id}-{n:03d}",
                                       name=title.format(n=n, office=office_id), office_id=office_id,
                                       capacity=rng.choice(capacities), head=n == 1, actor=CLI_ADMIN)
                created += 1
    return created


def _proceedings_summary(database: Database) -> dict[str, Any]:
    from sqlalchemy import func

    from bailiff.assignment.models import Assignment
    from bailiff.proceedings.models import Proceeding

    with database.reading() as session:
        opened = session.scalar(select(func.count()).select_from(Proceeding))
        drawn = session.scalar(select(func.count()).select_from(Assignment).where(
            Assignment.status == "drawn", Assignment.kind != "join"))
        joined = session.scalar(select(func.count()).select_from(Assignment).where(Assignment.kind == "join"))
        example = session.scalar(select(Assignment.proceeding_number).where(
            Assignment.status == "drawn", Assignment.kind == "draw").order_by(Assignment.id).limit(1))
    # Members of a consolidated proceeding (229-FZ art. 34) join their lead's bailiff instead of a draw.
    return {"proceedings_opened": opened, "bailiffs_drawn": drawn, "joined_consolidated": joined,
            "example_proceeding": example}
