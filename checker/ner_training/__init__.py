"""Training and evaluation of the statistical Arabic NER model shipped in ``claims/ner_model``.

Not imported at run time: ``claims.ner`` only loads the trained model. See
``docs/ner-model.md`` for the data, splits and scores.
"""
