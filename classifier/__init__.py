"""Officer-involved-shooting classifier: readable keyword and pattern rules, tuned in TOML."""

from classifier.classify import classify
from classifier.rules import Rules, RulesError, load_rules
from records import Evidence, Location, Verdict

__all__ = ["Evidence", "Location", "Rules", "RulesError", "Verdict", "classify", "load_rules"]
