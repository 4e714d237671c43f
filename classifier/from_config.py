"""The classifier as the configuration asks for it: the `[classifier] rules` file, checked."""

from __future__ import annotations

from config import Config, ConfigError, resolve_path


def rules_path(config: Config) -> str | None:
    """The `[classifier] rules` file as an absolute path, checked: None means the bundled rules.

    Read and compiled here, once, so a missing or broken file stops a command or a crawl
    before the first fetch with one error naming the file, rather than failing every page
    in a worker.
    """
    if not config.classifier.rules:
        return None
    from classifier.rules import RulesError, load_rules

    path = resolve_path(config, config.classifier.rules).resolve()
    where = f"{config.source}: " if config.source else ""
    try:
        load_rules(path)
    except RulesError as exc:
        raise ConfigError(f"{where}[classifier] rules: {exc}") from None
    return str(path)
