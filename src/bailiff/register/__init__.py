"""The register of writs of enforcement and its public verification.

Other contexts use `bailiff.register.service` (e.g. `service.transition`) and the events
`writ.registered` / `writ.status_changed` from the outbox.
"""
