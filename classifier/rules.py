"""Load `config/classifier.toml` into typed, pre-compiled rule objects.

Every problem in the file becomes a `RulesError` naming the file and the key, so a person
tuning the rules sees where they went wrong without reading this code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from classifier import patterns
from classifier.folded import FLAGS, Folded, compile_folded

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "config" / "classifier.toml"
_PLACEHOLDER = re.compile(r"<<(\w+)>>")
_AGENT_FIRST = "(?P<agent><<agent>>)"

FACT_KEYS = (
    "fatal_yes", "fatal_no", "hit_unknown", "hit_no", "hit_yes", "background",
    "officer_hurt", "officer_unhurt",
    "followup_strong", "followup_weak", "followup_fresh", "followup_title",
)  # fmt: skip
PLACE_KEYS = ("agency", "investigator", "location", "dateline", "city_state", "not_a_place")


class RulesError(ValueError):
    """The rules file cannot be used; the message names the file and the key."""

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        super().__init__(f"{path}: key {key!r}: {problem}")


@dataclass(frozen=True)
class Rule:
    """One named pattern; `weight` says how sure a match makes us that an officer fired."""

    name: str
    regex: Folded
    weight: float = 1.0
    requires: tuple[str, ...] = ()  # lower-case substrings; the pattern runs only if one is present
    # The pattern starts with the officer word: it is tried only where an officer word starts
    # (`regex.match` at each place), not at every character of the sentence.
    at_agent: bool = False
    # `requires` as one regex: a single scan instead of one `in` per word (long lists)
    requires_any: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Coref:
    """The `[coref]` table compiled: how officers are named and what may stand for them."""

    officer_name_before: tuple[re.Pattern[str], ...]  # end of the words before a name
    officer_name_after: tuple[re.Pattern[str], ...]  # start of the words after a name
    not_officer_name: re.Pattern[str]
    name_hint: tuple[str, ...]  # lower-case substrings, one of which is just before a named officer
    pronouns: Mapping[str, str]  # lower-case pronoun -> what it is read as
    pronoun: re.Pattern[str]  # any of them, as a whole word, on lower-cased text
    verb_after: re.Pattern[str]
    # at a pronoun / capitalised word: is a firing verb shortly after?
    pronoun_subject: re.Pattern[str]
    name_subject: re.Pattern[str]
    mention: re.Pattern[str]  # groups agent / person / cap: who a pronoun may stand for
    agent: re.Pattern[str]  # an officer word, whole
    speech_after: re.Pattern[str]
    attribution: re.Pattern[str]
    not_a_name: frozenset[str]


@dataclass(frozen=True)
class Rules:
    """All rules, compiled once. Build with `load_rules`."""

    source: str
    threshold: float
    fired: tuple[Rule, ...]
    victim: tuple[Rule, ...]
    borderline: tuple[Rule, ...]
    trigger: tuple[str, ...]  # lower-case substrings
    trigger_word: Folded  # the same, at the start of a word ("round", not "around")
    agent_hint: tuple[str, ...]  # lower-case substrings
    investigator_hint: tuple[str, ...]  # lower-case substrings
    injury_hint: tuple[str, ...]  # lower-case substrings
    agentless: Folded
    other_sense: Folded
    noun_shoot: Folded
    less_lethal: Folded
    named_firearm: Folded
    negation_before: Folded
    hedge_before: Folded
    statistic_after: Folded
    statistic_before: Folded
    count_hint: tuple[str, ...]  # lower-case substrings, one of which each count guard needs
    count_before: Folded
    statistic_period: Folded
    generic_before: Folded
    policy: Folded
    hurt_k9: Folded
    promo_line: re.Pattern[str]
    promo_header: re.Pattern[str]
    generic: Folded
    agent: Folded
    agent_starts: Folded  # empty match at every place an officer word starts
    require_words: frozenset[str]  # every `requires` word of the fired and victim rules
    facts: Mapping[str, Folded]
    places: Mapping[str, tuple[re.Pattern[str], ...]]  # tried in order
    states: Mapping[str, str]  # lower-case state name or abbreviation -> postal code
    kinds: Mapping[str, str]  # lower-case "police", "deputies" ... -> agency suffix
    coref: Coref


def load_rules(path: Path | None = None) -> Rules:
    """Read and compile a rules file; `None` means the bundled `config/classifier.toml`.

    The bundled file is compiled once and cached; other paths are read every call.
    """
    if path is None:
        return _load_default()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _load_default() -> Rules:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> Rules:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RulesError(path, "<file>", f"cannot read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(path, "<file>", f"not valid TOML: {exc}") from exc
    return _Builder(path, data).build()


class _Builder:
    """Turns the parsed TOML into `Rules`, checking each key as it goes."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path, self.data = path, data
        self.vocab: dict[str, str] = {}

    def fail(self, key: str, problem: str) -> RulesError:
        return RulesError(self.path, key, problem)

    def table(self, key: str, within: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
        value = (self.data if within is None else within).get(key.rsplit(".", 1)[-1])
        if not isinstance(value, dict):
            raise self.fail(key, "missing table" if value is None else "must be a table")
        return value

    def words(self, key: str, table: Mapping[str, Any]) -> list[str]:
        value = table.get(key.rsplit(".", 1)[-1])
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a non-empty list of strings")
        return value

    def plain(self, key: str, table: Mapping[str, Any]) -> tuple[str, ...]:
        """Plain substrings (not regexes), lower-cased, for fast pre-checks."""
        return tuple(w.lower() for w in self.words(key, table))

    def names(self, key: str, table: Mapping[str, Any]) -> Mapping[str, str]:
        value = table.get(key.rsplit(".", 1)[-1])
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self.fail(key, 'must be a table of name = "value" strings')
        return value

    def expand(self, key: str, source: str) -> str:
        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in self.vocab:
                raise self.fail(key, f"unknown placeholder <<{m.group(1)}>>")
            return self.vocab[m.group(1)]

        return _PLACEHOLDER.sub(sub, source)

    def compile(self, key: str, source: str | list[str], flags: int = 0) -> re.Pattern[str]:
        parts = [source] if isinstance(source, str) else source
        text = "|".join(f"(?:{self.expand(key, p)})" for p in parts)
        try:
            return re.compile(text, FLAGS | flags)
        except re.error as exc:
            raise self.fail(key, f"bad regular expression: {exc}") from exc

    def folded(self, key: str, source: str | list[str]) -> Folded:
        """Like `compile`, also folded for lower-cased text (see `classifier.folded`)."""
        parts = [source] if isinstance(source, str) else source
        text = "|".join(f"(?:{self.expand(key, p)})" for p in parts)
        try:
            return compile_folded(text)
        except re.error as exc:
            raise self.fail(key, f"bad regular expression: {exc}") from exc

    def each(self, key: str, sources: list[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(self.compile(f"{key}[{i}]", p) for i, p in enumerate(sources))

    def alternation(self, key: str, items: list[str]) -> str:
        text = "(?:" + "|".join(items) + ")"
        try:
            re.compile(text, FLAGS)
        except re.error as exc:
            raise self.fail(key, f"bad regular expression: {exc}") from exc
        return text

    def rules(self, key: str, weighted: bool) -> tuple[Rule, ...]:
        items = self.data.get(key)
        if not isinstance(items, list) or not items:
            raise self.fail(key, f"need at least one [[{key}]] entry")
        out = []
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            name, pattern = item.get("name"), item.get("pattern")
            if not isinstance(name, str) or not name:
                raise self.fail(f"{where}.name", "must be a non-empty string")
            if not isinstance(pattern, str):
                raise self.fail(f"{where}.pattern", "must be a string")
            weight = item.get("weight", 1.0)
            if weighted and (not isinstance(weight, int | float) or not 0 < weight <= 1):
                raise self.fail(f"{where}.weight", "must be a number in (0, 1]")
            requires = self.plain(f"{where}.requires", item) if "requires" in item else ()
            regex = self.folded(f"{where}.pattern", pattern)
            at_agent = pattern.startswith(_AGENT_FIRST) and "|" not in patterns.top_level(pattern)
            requires_any = re.compile("|".join(map(re.escape, requires))) if requires else None
            out.append(Rule(name, regex, float(weight), requires, at_agent, requires_any))
        return tuple(out)

    def coref(self) -> Coref:
        table = self.table("coref")
        pronouns = self.names("coref.pronouns", table)
        people = self.alternation("coref.people", self.words("coref.people", table))
        mention = (
            r"(?P<agent>(?<!\w)<<agent>>(?!\w))|(?P<person>\b" + people + r"\b)"
            r"|(?P<cap>(?-i:\b[A-Z][\w'’-]*))"
        )
        return Coref(
            officer_name_before=self.each(
                "coref.officer_name_before", self.words("coref.officer_name_before", table)
            ),
            officer_name_after=self.each(
                "coref.officer_name_after", self.words("coref.officer_name_after", table)
            ),
            name_hint=self.plain("coref.name_hint", table),
            not_officer_name=self.compile(
                "coref.not_officer_name", self.words("coref.not_officer_name", table)
            ),
            pronouns={k.lower(): v for k, v in pronouns.items()},
            pronoun=re.compile(r"\b(?:" + "|".join(map(re.escape, pronouns)) + r")\b", FLAGS),
            verb_after=self.compile("coref.verb_after", self.words("coref.verb_after", table)),
            # a pronoun (case-insensitive, run on lower-cased text) or a capitalised word
            # (case-sensitive, so the engine skips to capitals): two fast scans instead of one slow
            pronoun_subject=self.compile("coref.subject", self.words("coref.subject", table)[0]),
            name_subject=re.compile(
                self.expand("coref.subject", self.words("coref.subject", table)[1])
            ),
            mention=self.compile("coref.people", mention),
            agent=self.compile("vocab.agent", "<<agent>>"),
            speech_after=self.compile(
                "coref.speech_after", self.words("coref.speech_after", table)
            ),
            attribution=self.compile("coref.attribution", self.words("coref.attribution", table)),
            not_a_name=frozenset(self.words("coref.not_a_name", table)),
        )

    def build(self) -> Rules:
        settings = self.table("settings")
        threshold = settings.get("threshold")
        if not isinstance(threshold, int | float) or not 0 < threshold < 1:
            raise self.fail("settings.threshold", "must be a number between 0 and 1")
        gap_words = settings.get("gap_words")
        if not isinstance(gap_words, int) or not 0 <= gap_words <= 20:
            raise self.fail("settings.gap_words", "must be an integer from 0 to 20")
        vocab = self.table("vocab")
        for name in vocab:
            items = [self.expand(f"vocab.{name}", w) for w in self.words(f"vocab.{name}", vocab)]
            self.vocab[name] = self.alternation(f"vocab.{name}", items)
        if "agent" in self.vocab:  # whole words: "police" is not the start of "policy"
            self.vocab["agent"] = rf"(?<!\w){self.vocab['agent']}(?!\w)"
        gap = self.table("gap")
        groups = {g: self.words(f"gap.{g}", gap) for g in ("speech", "subjects", "clause")}
        loose = [w for g in groups.values() for w in g]
        strict = loose + self.words("gap.negation", gap) + self.words("gap.passive", gap)
        self.vocab["gap"] = patterns.gap(strict, gap_words)
        self.vocab["gap_loose"] = patterns.gap(loose, gap_words)
        self.vocab["by_gap"] = patterns.by_gap(loose, 5)
        guards = self.table("guards")
        trigger = self.plain("guards.trigger", guards)
        facts, places = self.table("facts"), self.table("places")
        states, kinds = self.names("places.states", places), self.names("places.kinds", places)
        fired, victim = self.rules("fired", weighted=True), self.rules("victim", weighted=False)
        return Rules(
            source=str(self.path),
            threshold=float(threshold),
            fired=fired,
            victim=victim,
            require_words=frozenset(w for rule in fired + victim for w in rule.requires),
            borderline=self.rules("borderline", weighted=False),
            trigger=trigger,
            trigger_word=self.folded(
                "guards.trigger", r"\b(?:" + "|".join(map(re.escape, trigger)) + ")"
            ),
            agent_hint=self.plain("guards.agent_hint", guards),
            investigator_hint=self.plain("places.investigator_hint", places),
            injury_hint=self.plain("facts.injury_hint", facts),
            agentless=self.folded("guards.agentless", self.words("guards.agentless", guards)),
            other_sense=self.folded(
                "guards.other_sense",
                [rf"\b{w}\b" for w in self.words("guards.other_sense", guards)],
            ),
            noun_shoot=self.folded("guards.noun_shoot", self.words("guards.noun_shoot", guards)),
            less_lethal=self.folded("guards.less_lethal", self.words("guards.less_lethal", guards)),
            named_firearm=self.folded(
                "guards.named_firearm",
                patterns.words_only(self.words("guards.named_firearm", guards)),
            ),
            negation_before=self.folded(
                "guards.negation_before", self.words("guards.negation_before", guards)
            ),
            hedge_before=self.folded(
                "guards.hedge_before", self.words("guards.hedge_before", guards)
            ),
            statistic_after=self.folded(
                "guards.statistic_after", self.words("guards.statistic_after", guards)
            ),
            generic=self.folded("guards.generic", self.words("guards.generic", guards)),
            **{
                key: self.folded(f"guards.{key}", self.words(f"guards.{key}", guards))
                for key in (
                    "statistic_before",
                    "count_before",
                    "statistic_period",
                    "generic_before",
                    "policy",
                    "hurt_k9",
                )
            },  # fmt: skip
            count_hint=self.plain("guards.count_hint", guards),
            promo_line=self.compile("guards.promo_line", self.words("guards.promo_line", guards)),
            promo_header=self.compile(
                "guards.promo_header", self.words("guards.promo_header", guards)
            ),
            agent=self.folded("vocab.agent", r"\b<<agent>>\b"),
            agent_starts=self.folded("vocab.agent", r"(?=<<agent>>)"),
            facts={
                k: self.folded(
                    f"facts.{k}",
                    patterns.shared_bounds(
                        patterns.agent_first(patterns.words_only(self.words(f"facts.{k}", facts)))
                    ),
                )
                for k in FACT_KEYS
            },
            places={
                k: self.each(f"places.{k}", self.words(f"places.{k}", places)) for k in PLACE_KEYS
            },
            states={k.lower(): v.upper() for k, v in states.items()},
            kinds={k.lower(): v for k, v in kinds.items()},
            coref=self.coref(),
        )
