"""Configuration: the typed model (``config.model``) and the bundled files beside it."""

from config.model import (
    BUNDLED_CONFIG,
    ENV_VAR,
    Config,
    ConfigError,
    FeedConfig,
    config_path,
    load_config,
    parse_config,
    resolve_path,
)

__all__ = [
    "BUNDLED_CONFIG",
    "ENV_VAR",
    "Config",
    "ConfigError",
    "FeedConfig",
    "config_path",
    "load_config",
    "parse_config",
    "resolve_path",
]
