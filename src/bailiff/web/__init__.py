"""The web layer: app wiring, auth dependencies, problem+json, templates."""
