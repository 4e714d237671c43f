"""The one configuration model: a TOML file loaded and validated once, at start-up.

Every error names the file, the key and what is wrong, so an operator can fix it
without reading code.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    field_validator,
    model_validator,
)

BUNDLED_CONFIG = Path(__file__).resolve().parent / "oiswatch.toml"
ENV_VAR = "OISWATCH_CONFIG"
# Where the default SQLite store lives (a server sets it; a checkout uses ./data).
DATA_DIR_ENV_VAR = "OISWATCH_DATA_DIR"


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid."""


class _Section(BaseModel):
    # Unknown keys are errors: a typo must not silently fall back to a default.
    model_config = ConfigDict(extra="forbid", frozen=True)


def default_storage_url() -> str:
    """``$OISWATCH_DATA_DIR/oiswatch.db`` when that is set, else ``data/oiswatch.db``."""
    data_dir = os.environ.get(DATA_DIR_ENV_VAR)
    return (
        f"sqlite:///{Path(data_dir) / 'oiswatch.db'}" if data_dir else "sqlite:///data/oiswatch.db"
    )


class StorageConfig(_Section):
    # Read when the file is loaded, not at import, so the environment of the run decides.
    url: str = Field(default_factory=default_storage_url)


class FeedConfig(_Section):
    # The store's columns hold 200 characters.
    name: str = Field(min_length=1, max_length=200)
    url: HttpUrl
    outlet: str | None = Field(default=None, max_length=200)
    poll_minutes: float | None = Field(default=None, gt=0)
    enabled: bool = True

    @property
    def outlet_name(self) -> str:
        return self.outlet or self.name


class CrawlConfig(_Section):
    download_timeout_seconds: float = Field(default=30, gt=0)
    user_agent: str = "oiswatch/0.1 (+https://github.com/oiswatch/oiswatch; news-monitoring bot)"
    obey_robots_txt: bool = True
    concurrent_requests: int = Field(default=16, ge=1)
    concurrent_requests_per_domain: int = Field(default=2, ge=1)
    download_delay_seconds: float = Field(default=1.0, ge=0)
    autothrottle: bool = True
    max_response_bytes: int = Field(default=10_000_000, ge=1024)
    # A failed article is tried again on later polls, up to this many fetches in all.
    max_fetch_attempts: int = Field(default=3, ge=1)
    retry_times: int = Field(default=1, ge=0)
    # Worker processes for text extraction; 0 extracts in the crawling process.
    extraction_workers: int = Field(default=2, ge=0)
    # Links and redirects may reach loopback, private and link-local addresses (beyond the
    # hosts and ports of the configured URLs): for a crawl of an intranet, never the web.
    allow_private_addresses: bool = False


class ScheduleConfig(_Section):
    poll_minutes: float = Field(default=10, gt=0)
    jitter_seconds: float = Field(default=30, ge=0)
    dispatch_seconds: float = Field(default=30, gt=0)


class ClassifierConfig(_Section):
    rules: Path | None = None
    region: tuple[str, ...] = ()


# A destination's name: what its outbox rows refer to, so its address can change.
DestinationName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=60)]


class EmailConfig(_Section):
    name: DestinationName | None = None
    host: str
    port: int = Field(default=587, ge=1, le=65535)
    sender: str
    recipients: tuple[str, ...] = Field(min_length=1)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username_env: str | None = None
    password_env: str | None = None
    timeout_seconds: float = Field(default=30, gt=0)


class WebhookConfig(_Section):
    name: DestinationName | None = None
    url: HttpUrl
    secret_env: str | None = None
    format: Literal["json", "slack", "discord"] = "json"
    timeout_seconds: float = Field(default=15, gt=0)


class AppriseConfig(_Section):
    name: DestinationName | None = None
    url: str = Field(min_length=3)
    timeout_seconds: float = Field(default=30, gt=0)


class DigestConfig(_Section):
    enabled: bool = True
    hour: int = Field(default=7, ge=0, le=23)
    recipients: tuple[str, ...] = ()


class AlertsConfig(_Section):
    retry_base_seconds: float = Field(default=30, gt=0)
    max_attempts: int = Field(default=10, ge=1)
    max_age_hours: float = Field(default=48, gt=0)
    # Editors opt in to these; by default only in-region OIS articles are alerted.
    include_out_of_region: bool = False
    include_officer_shot: bool = False
    email: EmailConfig | None = None
    webhooks: tuple[WebhookConfig, ...] = ()
    apprise: tuple[AppriseConfig, ...] = ()
    digest: DigestConfig | None = None
    # The newsroom's zone (IANA name) for times in emails, the digest's hour and `status`;
    # the store keeps UTC whatever this says.
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{name!r} is not an IANA time zone name (e.g. America/Chicago)"
            ) from None
        return name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @model_validator(mode="after")
    def _names_unique(self) -> AlertsConfig:
        given = [self.email.name] if self.email else []
        given += [d.name for d in self.webhooks] + [d.name for d in self.apprise]
        names = [n for n in given if n]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"destination name {twice[0]!r} is used by two destinations")
        return self


class ClusterConfig(_Section):
    """Scale-out (deploy/scale-out.md): crawl workers share a frontier in Redis."""

    # Unset: one process crawls what it polls. Set: the leader queues links here and
    # `oiswatch worker` processes fetch them. Needs [storage] url on PostgreSQL.
    redis_url: str | None = None
    # How often a standby `oiswatch run` tries to become the scheduler; bounds takeover.
    standby_retry_seconds: float = Field(default=5, gt=0, le=300)

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return url


class LoggingConfig(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_lines: bool = Field(default=False, alias="json")


class WebUser(_Section):
    """An editor who may log in to the desk; the hash is made by `oiswatch web add-user`."""

    name: str = Field(min_length=1, max_length=100)
    password_hash: str = Field(min_length=20)


class WebConfig(_Section):
    """The editors' desk: a web page served by `oiswatch run` (or `oiswatch web` alone)."""

    enabled: bool = True
    # Loopback unless the operator says otherwise: the desk is meant behind a proxy.
    host: str = "127.0.0.1"
    port: int = Field(default=8870, ge=0, le=65535)
    # How alerts link to the desk (the address editors reach, e.g. through a proxy);
    # unset: http://<host>:<port>.
    base_url: HttpUrl | None = None
    # The key that signs sessions and the one-click links in alerts; links stop working
    # when it changes. Unset or empty variable: a key kept in the store is used.
    secret_env: str | None = "OISWATCH_WEB_SECRET"
    users: tuple[WebUser, ...] = ()
    # A reverse proxy that logs editors in itself names them in this header; only
    # honoured from the proxy's address (trusted_proxies).
    proxy_user_header: str | None = None
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    # One-click links in alerts ("false alarm", "wrong incident") work this long.
    link_days: float = Field(default=14, gt=0)

    @property
    def public_url(self) -> str:
        if self.base_url is not None:
            return str(self.base_url).rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class Config(_Section):
    storage: StorageConfig = Field(default_factory=StorageConfig)
    crawl: CrawlConfig = CrawlConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    classifier: ClassifierConfig = ClassifierConfig()
    alerts: AlertsConfig = AlertsConfig()
    logging: LoggingConfig = LoggingConfig()
    cluster: ClusterConfig = ClusterConfig()
    web: WebConfig = WebConfig()
    feeds: tuple[FeedConfig, ...] = ()
    # Where the file came from; relative paths inside it resolve against its folder.
    source: Path | None = None

    @field_validator("feeds")
    @classmethod
    def _unique_feed_names(cls, feeds: tuple[FeedConfig, ...]) -> tuple[FeedConfig, ...]:
        names = [f.name for f in feeds]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"feed names must be unique; repeated: {', '.join(dupes)}")
        return feeds

    def feed(self, name: str) -> FeedConfig:
        for f in self.feeds:
            if f.name == name:
                return f
        raise KeyError(f"No feed named {name!r} in the configuration")


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The file to load: an explicit path, else $OISWATCH_CONFIG, else the bundled one."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else BUNDLED_CONFIG


def _key_path(loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location as a TOML key, e.g. ``feeds[2].url``."""
    out = ""
    for item in loc:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out


def parse_config(data: dict, source: Path | None = None) -> Config:
    """Validate already-parsed TOML data; raise ConfigError naming the file and key."""
    where = str(source) if source else "<config>"
    try:
        return Config.model_validate({**data, "source": source})
    except ValidationError as exc:
        problems = [
            f"{where}: {_key_path(err['loc']) or '(top level)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise ConfigError("invalid configuration\n  " + "\n  ".join(problems)) from None


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate the configuration file (see ``config_path`` for which)."""
    source = config_path(path).resolve()
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read configuration: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    return parse_config(data, source)


def resolve_path(config: Config, value: str | Path) -> Path:
    """A path from the config file, relative to that file's folder."""
    p = Path(value)
    if p.is_absolute() or config.source is None:
        return p
    return config.source.parent / p
