"""The English extraction pipeline: the units of the Arabic one, with English grammar.

Each module registers its spaCy component under the Arabic unit's name for
``spacy.blank("en")`` only (``English.factory``), so both pipelines are built from the
same list of unit names; ``claims.pipeline.EN_UNITS`` says which module gives each. See
docs/languages.md.
"""
