"""Mutations, one module per domain area; each calls one service."""
