"""Assignment: offices, bailiffs, capacity and the verifiable draw that gives each proceeding its bailiff."""
