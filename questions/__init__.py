"""The question bank: typed models and a strict loader. `load_bank()` reads questions/bank/."""

from questions.loader import default_bank, load_bank
from questions.model import LOCALES, UNKNOWN, Bank, Question, Section, Text

__all__ = ["LOCALES", "UNKNOWN", "Bank", "Question", "Section", "Text", "default_bank", "load_bank"]
