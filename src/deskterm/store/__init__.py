"""The store: engine, schema, migrations and search backends. Only ``domain`` imports this."""
