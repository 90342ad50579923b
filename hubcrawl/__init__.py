"""hubcrawl: the command-line application that ties crawler, ingest, db, scoring and pages together."""

__version__ = "0.1.0"
