"""Use cases of the orgs context."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bailiff.core import audit
from bailiff.core.actor import Actor
from bailiff.core.clock import utcnow
from bailiff.core.crypto import SCHEMES, key_id
from bailiff.core.errors import Conflict, FieldError, NotFound, Unauthorized, ValidationFailed
from bailiff.identity.identifiers import InvalidIdentifier
from bailiff.identity.identifiers import validate as validate_identifier
from bailiff.orgs.models import ApiToken, OrgKey, Organization
from bailiff.orgs.rules import ORG_KINDS, can_issue, role_of


@dataclass(frozen=True)
class NewOrg:
    """An organisation just created, with the only copy of its token."""

    id: int
    code: str
    kind: str
    token: str
    key_id: str | None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_org(
    *,
    session: Session,
    kind: str,
    code: str,
    name: str,
    actor: Actor,
    region: str | None = None,
    public_key_der: bytes | None = None,
    callback_url: str | None = None,
    identifiers: dict[str, str] | None = None,
) -> NewOrg:
    """Register an organisation with an optional Ed25519 key and its own identifiers (INN, BIN...,
    validated with their check digits); returns its first API token."""
    if kind not in ORG_KINDS:
        raise ValidationFailed(
            f"unknown organisation kind {kind!r}",
            errors=[FieldError("kind", "org.kind.known", f"one of {', '.join(ORG_KINDS)}")],
        )
    if not code.strip() or not name.strip():
        raise ValidationFailed("code and name are required", errors=[FieldError("code", "org.code.required", "non-empty")])
    if session.scalar(select(Organization.id).where(Organization.code == code)) is not None:
        raise Conflict(f"an organisation with code {code!r} exists", errors=[FieldError("code", "org.code.unique", "codes are unique")])
    if can_issue(kind) and public_key_der is None:
        # Writs are accepted only under a registered key's signature, and no command adds a key later.
        raise ValidationFailed(f"the public key of a {kind} is required", errors=[
            FieldError("public_key", "org.key.required", f"a {kind} signs the writs it issues with it (Ed25519)")])
    if callback_url is not None and not _is_http_url(callback_url):
        raise ValidationFailed(f"callback URL {callback_url!r} is not an http(s) URL", errors=[
            FieldError("callback_url", "org.callback_url.http", "an absolute http:// or https:// URL with a host "
                                                                "(RFC 3986), e.g. https://court.example/receipts")])
    own = _validated(identifiers or {})
    now = utcnow()
    org = Organization(kind=kind, code=code, name=name, region=region, active=True, callback_url=callback_url,
                       identifiers=own or None, created_at=now)
    session.add(org)
    session.flush()
    kid = None
    if public_key_der is not None:
        kid = _add_key(session, org, public_key_der)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_token_hash(token), org_id=org.id, created_at=now))
    audit.record(session, [audit.audit_row(actor=actor, action="org.added", subject_type="org", subject_id=code,
                                          details={"kind": kind, "name": name, "key_id": kid, "region": region})])
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent add with the same code
        raise Conflict(f"an organisation with code {code!r} exists") from exc
    return NewOrg(org.id, code, kind, token, kid)


def _is_http_url(url: str) -> bool:
    """Whether receipts can be delivered to `url`: http or https, with a host, and no spaces."""
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not a number in 0-65535 raises ValueError
    except ValueError:
        return False
    return (parts.scheme in ("http", "https") and bool(parts.hostname) and port != 0
            and not any(c.isspace() for c in url))


def _add_key(session: Session, org: Organization, public_key_der: bytes, alg: str = "Ed25519") -> str:
    scheme = SCHEMES[alg]
    try:
        scheme.check_public_key(public_key_der)
    except ValueError as exc:
        raise ValidationFailed(str(exc), errors=[FieldError("public_key", "key.ed25519", str(exc))]) from exc
    kid = key_id(public_key_der)
    if session.get(OrgKey, kid) is not None:
        raise Conflict("this public key is already registered", errors=[FieldError("public_key", "key.unique", "one key, one owner")])
    session.add(OrgKey(key_id=kid, org_id=org.id, alg=alg, public_key=public_key_der, created_at=utcnow()))
    return kid


def authenticate(*, session: Session, token: str) -> Actor:
    """The actor behind an API token (Unauthorized if unknown, revoked or inactive)."""
    row = session.execute(
        select(Organization, ApiToken.revoked_at)
        .join(ApiToken, ApiToken.org_id == Organization.id)
        .where(ApiToken.token_hash == _token_hash(token))
    ).first()
    if row is None or row[1] is not None or not row[0].active:
        raise Unauthorized("the API token is unknown, revoked, or its organisation is inactive")
    org = row[0]
    return Actor(kind="org", ident=org.code, role=role_of(org.kind), org_id=org.id)


def get_org(*, session: Session, code: str) -> Organization:
    """An organisation by code."""
    org = session.scalar(select(Organization).where(Organization.code == code))
    if org is None:
        raise NotFound(f"no organisation with code {code!r}")
    return org


def keys_by_id(*, session: Session, key_ids: set[str]) -> dict[str, tuple[OrgKey, Organization]]:
    """Registered keys with their owners, for verifying a batch of signatures in one query."""
    if not key_ids:
        return {}
    rows = session.execute(
        select(OrgKey, Organization).join(Organization, Organization.id == OrgKey.org_id).where(OrgKey.key_id.in_(key_ids))
    )
    return {key.key_id: (key, org) for key, org in rows}


def _validated(identifiers: dict[str, str]) -> dict[str, str]:
    """Identifiers in normal form, each checked with its check digits."""
    own = {}
    for ident_kind, value in identifiers.items():
        try:
            own[ident_kind] = validate_identifier(ident_kind, value)
        except InvalidIdentifier as exc:
            raise ValidationFailed("invalid identifier", errors=[FieldError(
                f"identifiers.{ident_kind}", exc.rule, exc.message)]) from exc
    return own


def set_identifiers(*, session: Session, code: str, identifiers: dict[str, str], reason: str,
                    actor: Actor) -> Organization:
    """Record an organisation's own identifiers (those registered before they were kept, say): a
    claimant acts only on writs that name it by one of them. Audited with the old and new values."""
    audit.require_reason(reason)
    org = get_org(session=session, code=code)
    own = _validated(identifiers)
    if not own:
        raise ValidationFailed("no identifier given", errors=[FieldError("identifiers", "org.identifiers.required",
                                                                          "at least one KIND=VALUE")])
    before, org.identifiers = org.identifiers, {**(org.identifiers or {}), **own}
    audit.record(session, [audit.audit_row(actor=actor, action="org.identified", subject_type="org", subject_id=code,
                                           reason=reason, details={"before": before, "after": org.identifiers})])
    return org


def set_active(*, session: Session, code: str, active: bool, reason: str, actor: Actor) -> Organization:
    """Activate or deactivate an organisation (a deactivated issuer's writs are refused at intake)."""
    audit.require_reason(reason)
    org = get_org(session=session, code=code)
    if org.active != active:
        org.active = active
        audit.record(session, [audit.audit_row(actor=actor, action="org.activated" if active else "org.deactivated",
                                              subject_type="org", subject_id=code, reason=reason)])
    return org
