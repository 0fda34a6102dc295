"""The register of writs of enforcement and its public verification.

Other contexts use `bailiff.register.service` (registration and reads), `bailiff.register.transitions`
(a writ's moves, e.g. `transitions.transition`) and the events
`writ.registered` / `writ.status_changed` from the outbox.
"""
