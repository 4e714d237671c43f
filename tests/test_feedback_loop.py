"""The feedback loop as an operator runs it: editors' labels exported as labelled JSON Lines,
the rules scored on them with `python -m classifier --eval`, and `oiswatch reclassify`
running the current rules over a real store, editors' labels winning."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

from alert_fixtures import STORY_A, STORY_B, T0, article, store_article
from kit import oiswatch, python, write_config
from sqlalchemy import select

from alerts.review import label_article
from config import load_config
from incidents import edit
from incidents.db import incident_of
from records import CorrectionAction
from store import Store
from store.schema import articles, outbox

CIVILIAN = (
    "Police are investigating after a man was found shot dead outside a bar on Main Street "
    "early Sunday. No arrests have been made, police said."
)
DEV_FIELDS = {
    "id", "url", "outlet", "title", "text", "label", "category", "incident_date", "kc_area",
    "fatal", "anyone_hit", "officer_injured", "followup", "city", "state", "why",
}  # fmt: skip


def setup(tmp_path: Path, hook: str = "http://127.0.0.1:9/hook") -> tuple[Path, Store]:
    path = write_config(
        tmp_path,
        "[alerts]",
        "[[alerts.webhooks]]",
        f'url = "{hook}"',
        'secret_env = "OISWATCH_TEST_HOOK_SECRET"',
        "timeout_seconds = 5",
        "[web]",
        'base_url = "https://desk.newsroom.test"',
    )
    return path, Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")


def where(store: Store, article_id: int) -> int | None:
    with store.engine.connect() as conn:
        return incident_of(conn, article_id)


def test_feedback_export_labels_the_latest_word_and_the_rules_are_scored_on_it(
    tmp_path, shared
) -> None:
    path, store = setup(tmp_path)
    config = load_config(path)
    day1, day3 = T0 + timedelta(days=1), T0 + timedelta(days=3)
    try:
        f1 = store_article(store, config, article("https://kc.test/1", "Police kill man", STORY_A))
        quiet = article("https://kc.test/2", "Man found shot", CIVILIAN, ois=False)
        f2 = store_article(store, config, quiet)
        wrong = article("https://kc.test/3", "Officer wounds woman", STORY_B, fatal=False)
        f3 = store_article(store, config, wrong)
        f4 = store_article(store, config, article("https://kc.test/4", "Unclear", CIVILIAN))
        label = label_article
        label(store, config, f1, CorrectionAction.CONFIRMED, "maria", now=day1)
        with store.begin() as conn:
            edit.correct_fact(conn, where(store, f1), "fatal", "yes", "maria", now=day1)
        label(store, config, f2, CorrectionAction.MISSED, "maria", alert=False, now=day3)
        label(store, config, f3, CorrectionAction.CONFIRMED, "ann", now=day1)
        label(store, config, f3, CorrectionAction.FALSE_ALARM, "ann", note="a drill", now=day3)
        label(store, config, f4, CorrectionAction.BORDERLINE, "ann", now=day3)
    finally:
        store.close()

    out = tmp_path / "labels.jsonl"
    done = oiswatch("--config", str(path), "feedback", "export", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "4 labelled articles" in done.stderr
    rows = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {f"oiswatch-{i}" for i in (f1, f2, f3, f4)}
    # The dev file's fields, every one, so the same tools read both.
    dev = json.loads((shared / "eval" / "dev.jsonl").read_text().splitlines()[0])
    assert set(dev) == DEV_FIELDS
    for row in rows.values():
        assert set(row) >= DEV_FIELDS
    got = {i: rows[f"oiswatch-{i}"] for i in (f1, f2, f3, f4)}
    assert [got[i]["label"] for i in (f1, f2, f3, f4)] == ["ois", "ois", "not_ois", "borderline"]
    assert got[f1]["fatal"] is True  # the editor's fact, not the classifier's
    assert got[f2]["fatal"] is None
    assert got[f3]["text"] == STORY_B and got[f3]["url"] == "https://kc.test/3"
    assert got[f3]["why"].startswith("false_alarm by ann") and got[f3]["why"].endswith("a drill")

    since = oiswatch("--config", str(path), "feedback", "export", "--since", "2026-03-06")
    assert since.returncode == 0, since.stderr
    assert sorted(json.loads(line)["id"] for line in since.stdout.splitlines()) == sorted(
        f"oiswatch-{i}" for i in (f2, f3, f4)
    )

    scored = python("-m", "classifier", "--eval", str(out))
    assert scored.returncode == 0, scored.stderr
    report = scored.stdout
    assert "borderline skipped: 1" in report
    assert "TP 1  FP 1  FN 1  TN 0" in report
    assert re.search(r"precision 0\.500\s+recall 0\.500\s+F1 0\.500", report)
    assert f"FN missed oiswatch-{f2} " in report
    assert f"FP false alarm oiswatch-{f3} " in report


def stale(url: str, title: str, text: str, *, ois: bool = True, category: str | None = None):
    """An article with the verdict older rules gave it."""
    return article(url, title, text, ois=ois, category=category or ("ois" if ois else "not_ois"))


def test_reclassify_reports_stores_and_groups_what_the_current_rules_change(tmp_path) -> None:
    path, store = setup(tmp_path)
    config = load_config(path)
    try:
        # Verdicts stored by older rules: the current ones disagree with each.
        newly = store_article(
            store, config, stale("https://kc.test/n", "Police kill man", STORY_A, ois=False)
        )
        gone = store_article(store, config, stale("https://kc.test/g", "Man found shot", CIVILIAN))
        labelled = store_article(
            store, config, stale("https://kc.test/l", "Officer wounds woman", STORY_B, ois=False)
        )
        label_article(store, config, labelled, CorrectionAction.FALSE_ALARM, "maria")
        other = stale(
            "https://kc.test/o", "Bar shooting", CIVILIAN, ois=False, category="officer_shot"
        )
        recategorised = store_article(store, config, other)
        assert where(store, gone) is not None
        assert where(store, newly) is None
    finally:
        store.close()

    dry = oiswatch("--config", str(path), "reclassify", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert re.search(
        rf"^newly flagged\s+{newly}\s+not_ois -> ois\s+Police kill man", dry.stdout, re.M
    )
    assert re.search(rf"^no longer flagged\s+{gone}\s+ois -> not_ois", dry.stdout, re.M)
    assert any(
        f" {labelled} " in line and "editor's label false_alarm stands" in line for line in lines
    )
    assert re.search(rf"^category\s+{recategorised}\s+officer_shot -> not_ois", dry.stdout, re.M)
    assert lines[-1] == (
        "4 articles examined; would change: 2 newly flagged, 1 no longer flagged, "
        "1 other category (dry run: nothing stored)"
    )
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    try:
        assert where(store, newly) is None  # nothing stored by a dry run
        with store.engine.connect() as conn:
            query = select(articles.c.ois).where(articles.c.id == newly)
            assert conn.execute(query).scalar_one() is False
    finally:
        store.close()

    done = oiswatch("--config", str(path), "reclassify", "--since", "2026-03-01")
    assert done.returncode == 0, done.stderr
    assert re.search(
        rf"^newly flagged\s+{newly} .*\(incident \w+, 0 alert\(s\) queued\)", done.stdout, re.M
    )
    store = Store(f"sqlite:///{tmp_path / 'oiswatch.db'}")
    try:
        assert where(store, newly) is not None  # joined (opened) an incident, silently
        assert where(store, labelled) is None  # the editor's false alarm stands
        assert where(store, gone) is not None  # listed for an editor; not removed by rules
        with store.engine.connect() as conn:
            flags = dict(conn.execute(select(articles.c.id, articles.c.ois)).all())
            assert flags == {newly: True, gone: False, labelled: True, recategorised: False}
            assert len(conn.execute(select(outbox)).all()) == 1  # gone's, from before
    finally:
        store.close()
    again = oiswatch("--config", str(path), "reclassify")
    assert "0 newly flagged, 0 no longer flagged, 0 other category" in again.stdout


def test_reclassify_alert_sends_newly_flagged_articles(tmp_path, http) -> None:
    path, store = setup(tmp_path, http.url())
    config = load_config(path)
    try:
        newly = store_article(
            store, config, stale("https://kc.test/n", "Police kill man", STORY_A, ois=False)
        )
    finally:
        store.close()
    done = oiswatch("--config", str(path), "reclassify", "--alert")
    assert done.returncode == 0, done.stderr
    assert "1 alert(s) queued" in done.stdout
    sent = oiswatch("--config", str(path), "alerts", "dispatch")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    (body,) = http.bodies
    assert body["event"] == "incident.new" and body["article"]["url"] == "https://kc.test/n"
    assert body["links"]["article"] == f"https://desk.newsroom.test/articles/{newly}"
