"""What a claimant (a creditor organisation) may do in a proceeding, and the check that it is one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bailiff.assignment import changes
from bailiff.assignment.models import ChangeApplication
from bailiff.core.actor import Actor
from bailiff.core.errors import Forbidden
from bailiff.identity.identifiers import is_valid, normalize
from bailiff.orgs.models import Organization
from bailiff.proceedings.service import get, group_lead
from bailiff.register import service as register


def require_creditor(*, session: Session, number: str, actor: Actor) -> None:
    """A claimant (or a bank, an agency) acts in a proceeding only if the writ names it as a creditor by
    one of the organisation's own identifiers; administrators are not asked."""
    if actor.role == "admin":
        return
    org = session.get(Organization, actor.org_id) if actor.org_id is not None else None
    own = {(kind, str(value)) for kind, value in ((org.identifiers or {}) if org else {}).items()}
    proceeding = get(session=session, number=number)
    document = register.documents(session=session, register_numbers=[proceeding.register_number])
    named = set()
    for creditor in document[proceeding.register_number].get("creditors", []):
        for kind, value in creditor.get("identifiers", {}).items():
            if is_valid(kind, value):
                named.add((kind, normalize(kind, value)))
    if not own & named:
        raise Forbidden(f"{actor.ident} is not a creditor of the writ of proceeding {number} "
                        "(an organisation is matched by its registered identifiers)")


def apply_for_change_of_bailiff(*, session: Session, number: str, reason: str, actor: Actor,
                                suffix: str | None) -> ChangeApplication:
    """A creditor asks the disciplinary commission to replace the bailiff (KZ rules, point 12).

    Only a creditor named in the writ may apply; for a member of a consolidated proceeding the
    application concerns the whole, decided on its lead (229-FZ art. 34).
    """
    changes.require_applicant(actor)
    require_creditor(session=session, number=number, actor=actor)
    target = group_lead(session=session, number=number, suffix=suffix)
    return changes.file_application(session=session, proceeding_number=target, reason=reason, actor=actor)
