"""Language data (lexicons) and the schemas that validate them."""
