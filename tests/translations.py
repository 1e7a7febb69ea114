"""The interface's translations compiled as `make messages` does (the .mo files are not committed)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.translation.reloader import translation_file_changed


def compile_messages(locale: Path):
    """Compile every catalogue under `locale` (django.po and djangojs.po) with msgfmt, then let Django read
    them afresh (a catalogue loaded before, by an earlier test, would not have them)."""
    if not shutil.which("msgfmt"):
        pytest.fail("msgfmt is missing: `make test` installs it (apt-get install gettext).")
    for source in locale.glob("*/LC_MESSAGES/*.po"):
        subprocess.run(["msgfmt", "--check", "-o", str(source.with_suffix(".mo")), str(source)], check=True)
    translation_file_changed(sender=None, file_path=Path("compiled.mo"))
