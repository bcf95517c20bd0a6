"""The question bank: typed models and a strict loader. `load_bank()` reads questions/bank/."""

from questions.loader import default_bank, load_bank
from questions.locales import LOCALES
from questions.model import UNKNOWN, Bank, Question, Section, Text

__all__ = ["LOCALES", "UNKNOWN", "Bank", "Question", "Section", "Text", "default_bank", "load_bank"]
