"""The agent console (SPEC section 7): a Textual app on the domain API, never on SQL."""
