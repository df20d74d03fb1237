"""Working as a team: assignments, blind layers, agreement, adjudication, guidelines."""
