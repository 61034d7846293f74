"""What a help desk does: rules, transitions, audit. No UI code lives here."""
