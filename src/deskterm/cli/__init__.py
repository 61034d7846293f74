"""The ``deskterm`` command line: Typer commands over the domain, rendered by ``output``."""
