"""checker: works across articles: store, ingestion, linking, rules, reports, CLI."""
