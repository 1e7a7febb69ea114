"""The installation's own secret key, generated once and kept in a file only its owner can read.

Used when no SECRET_KEY is set (development, `make run`): no key is ever written in the source,
so a token signed by someone else's checkout is worthless here. Several processes start together
under `make run`; the key is written to a temporary file and linked into place, so the first one
wins and every other process reads the complete key it wrote.
"""

import os
import secrets
import stat
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 50


def installation_secret_key(path: Path) -> str:
    """The key stored at `path`, created (mode 0600) with a new random key if there is none yet."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        _create(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ImproperlyConfigured(
            f"The secret key file {path} can be read by other users (mode {mode:o}): run `chmod 600 {path}`."
        )
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < KEY_BYTES:
        raise ImproperlyConfigured(f"The secret key file {path} is empty or too short: delete it to make a new one.")
    return key


def _create(path: Path) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-")  # mkstemp: mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as key_file:
            key_file.write(secrets.token_urlsafe(KEY_BYTES) + "\n")
            key_file.flush()
            os.fsync(key_file.fileno())
        try:
            os.link(temporary, path)  # fails if another process linked its key first: that one is used
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
