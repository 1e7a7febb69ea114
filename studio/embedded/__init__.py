"""Embedded stand-ins for MongoDB and Redis, used when no external server is configured."""
