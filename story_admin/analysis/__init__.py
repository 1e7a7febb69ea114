"""Proofing that understands story state: exhaustive exploration of (scene, state), endings, playthroughs."""

from .report import Analysis, analyse
from .playthroughs import Coverage, play_randomly
from .problems import state_problems

__all__ = ["Analysis", "Coverage", "analyse", "play_randomly", "state_problems"]
