"""The GraphQL API (players' and authors' apps): see issue 4."""
