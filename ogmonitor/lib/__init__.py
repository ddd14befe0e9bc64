"""Pure helpers with no Django models: Azerbaijani text, tabular files, environment parsing."""
