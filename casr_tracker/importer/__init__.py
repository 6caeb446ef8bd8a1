"""Importers: the statement (pledges) and later documents, each a pipeline of plain functions."""
