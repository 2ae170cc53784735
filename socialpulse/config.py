"""Configuration: one TOML file, validated so a bad value names its key and what was expected.

The example ``socialpulse.example.toml`` is committed; a user's ``socialpulse.toml`` is not (it may
name private feeds and channels). Credentials never live here: collectors read them from the
environment or an untracked ``.env``.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, PositiveInt, ValidationError, field_validator

from socialpulse.brand_rules import parse_rule
from socialpulse.config_sources import Bluesky, Feed, Listen, Mastodon, Sources, _Strict

# Re-exported: every setting is imported from this module.
__all__ = ["Bluesky", "Feed", "Listen", "Mastodon", "Sources"]

EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "socialpulse.example.toml"
USER_CONFIG = Path("socialpulse.toml")


# The smallest internal group any figure is shown for, unless [privacy] says otherwise.
DEFAULT_MIN_GROUP_SIZE = 5


class ConfigError(ValueError):
    """A configuration problem, phrased as 'file: key: what is expected'."""


class Brand(_Strict):
    """A brand or competitor: what mentions of it look like."""

    name: str = Field(min_length=1)
    competitor: bool = False
    keywords: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    rule: str | None = None
    handles: list[str] = Field(default_factory=list)

    @field_validator("keywords", "phrases", "exclude", "handles")
    @classmethod
    def _no_blank_terms(cls, terms: list[str]) -> list[str]:
        if any(not term.strip() for term in terms):
            raise ValueError("terms must not be blank")
        return terms

    @field_validator("rule")
    @classmethod
    def _rule_parses(cls, rule: str | None) -> str | None:
        if rule is not None:
            parse_rule(rule)  # raises RuleError (a ValueError) saying where it is wrong
        return rule


class ChannelRule(_Strict):
    """Segment and protect internal channels by name, e.g. ``exec-*`` is restricted."""

    match: str = Field(min_length=1, description="glob on the channel name")
    segment_type: Literal["company", "department", "location", "employee_type", "topic"] | None = (
        None
    )
    segment_value: str | None = None
    sensitivity: Literal["public", "internal", "restricted"] = "internal"
    restricted_to: str | None = None
    purpose: str = "general"


class Internal(_Strict):
    """How imported employee-network messages are read."""

    check_in_keywords: list[str] = Field(
        default_factory=lambda: [
            "please confirm",
            "please reply",
            "please respond",
            "check-in",
            "check in",
            "are you safe",
            "let us know if you can",
        ]
    )
    store_display_names: bool = False


class KpiTargets(_Strict):
    """Targets the executive scorecard compares against (percentages unless named otherwise)."""

    share_of_voice: float = Field(default=40.0, ge=0, le=100)
    net_sentiment: float = Field(default=20.0, ge=-100, le=100)
    interactive_users: float = Field(default=38.0, ge=0, le=100)
    stickiness: float = Field(default=20.0, ge=0, le=100)
    reply_rate: float = Field(default=60.0, ge=0, le=100)
    check_in_answer_rate: float = Field(default=90.0, ge=0, le=100)


class AlertEmail(_Strict):
    """SMTP settings; the password, if any, comes from the environment variable named here."""

    host: str
    port: int = Field(default=25, ge=1, le=65535)
    sender: str
    recipients: list[str] = Field(min_length=1)
    starttls: bool = False
    username: str | None = None
    password_variable: str | None = None
    ca_file: str | None = Field(
        default=None, description="CA bundle for a relay whose certificate a private CA signed"
    )


class AlertWebhook(_Strict):
    """An incoming webhook: Slack's ``{"text": ...}``, a Teams Adaptive Card, or the alert's
    fields as JSON for anything else."""

    url: str
    format: Literal["slack", "teams", "json"] = "json"


class Alerts(_Strict):
    """Spike detection against each brand's own hourly baseline, and where alerts go."""

    baseline_days: int = Field(default=14, ge=1, description="days of history behind each hour")
    threshold: float = Field(
        default=6.0,
        gt=0,
        description="score (a z-score: the signed root of the Poisson likelihood ratio) that "
        "opens an episode",
    )
    min_count: int = Field(default=10, ge=1, description="fewest mentions in a window to alert")
    min_ratio: float = Field(
        default=2.0, ge=1, description="fewest times the expected count in a window to alert"
    )
    count_reposts: bool = Field(
        default=False, description="count reposts as mentions (one viral post then alerts)"
    )
    max_window_hours: int = Field(
        default=24, ge=1, le=168, description="longest burst summed; longer rises are trends"
    )
    merge_gap_hours: int = Field(
        default=3, ge=0, description="quiet hours that close an episode; nearer bursts merge"
    )
    notify_max_age_hours: int = Field(
        default=24, ge=1, description="episodes that ended longer ago are history: not sent"
    )
    retries: int = Field(default=3, ge=1, le=10, description="tries per endpoint and alert")
    retry_backoff_seconds: float = Field(
        default=1.0, ge=0, le=60, description="wait before the second try, doubled after"
    )
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    email: AlertEmail | None = None
    webhooks: list[AlertWebhook] = Field(default_factory=list)


class Privacy(_Strict):
    min_group_size: int = Field(default=DEFAULT_MIN_GROUP_SIZE, ge=1)


class Retention(_Strict):
    """Days a post stays in the warehouse before `pulse archive` moves it to Parquet: the
    channel's value, else the platform's, else the default."""

    default_days: int = Field(default=730, ge=1)
    per_platform: dict[str, PositiveInt] = Field(default_factory=dict)
    per_channel: dict[str, PositiveInt] = Field(default_factory=dict)
    archive_dir: str = Field(default="data/archive", min_length=1)


class Security(_Strict):
    """Dashboard sessions and login throttling."""

    session_minutes: int = Field(default=480, ge=1, description="a login lasts this long")
    max_failed_logins: int = Field(
        default=5, ge=1, description="failures within lockout_minutes that lock a name"
    )
    lockout_minutes: int = Field(default=15, ge=1)


class Maturity(_Strict):
    """Thresholds of the maturity scorecard's warehouse criteria. A criterion scores 1 at its
    threshold, 0.5 from half of it (for a time: up to twice it), else 0. The internal targets
    (interactive users at scale, reply rate, stickiness, check-in answers) are `[kpi_targets]`."""

    window_days: int = Field(
        default=90, ge=7, le=366, description="days of external activity the criteria look at"
    )
    activity_days: int = Field(
        default=30, ge=1, le=366, description="days in which an executive counts as active"
    )
    listening_days: int = Field(
        default=30, ge=1, description="days with own-brand and with competitor mentions"
    )
    sentiment_coverage: float = Field(
        default=80.0, ge=0, le=100, description="% of own-brand mentions with a sentiment label"
    )
    owned_platforms: int = Field(
        default=2, ge=1, description="platforms where owned accounts posted in the window"
    )
    weekly_posting: float = Field(
        default=80.0, ge=0, le=100, description="% of the last 12 weeks with an owned post"
    )
    amplification_rate: float = Field(
        default=1.0, ge=0, description="shares per owned post (sharable content)"
    )
    conversation_rate: float = Field(default=1.0, ge=0, description="replies per owned post")
    response_rate: float = Field(
        default=50.0, ge=0, le=100, description="% of mentions needing a reply that got one"
    )
    response_minutes: float = Field(
        default=60.0, gt=0, description="median minutes to the brand's first reply"
    )
    interactive_users_benchmark: float = Field(
        default=27.0, ge=0, le=100, description="SWOOP's published average of interactive users"
    )
    department_channels: int = Field(
        default=5, ge=1, description="departments with their own active internal channel"
    )
    location_channels: int = Field(
        default=2, ge=1, description="locations with their own active internal channel"
    )
    executives_active: float = Field(
        default=50.0, ge=0, le=100, description="% of executives who posted in activity_days"
    )
    cross_department_flow: float = Field(
        default=30.0, ge=0, le=100, description="% of network edges between departments"
    )
    departments_at_stickiness: float = Field(
        default=80.0,
        ge=0,
        le=100,
        description="% of departments whose stickiness meets kpi_targets.stickiness",
    )


class RoiRange(_Strict):
    """One ROI assumption: its base value and the plausible low and high ends around it, so the
    report can show how far the result moves when the assumption is wrong."""

    low: float = Field(ge=0, allow_inf_nan=False)
    base: float = Field(ge=0, allow_inf_nan=False)
    high: float = Field(ge=0, allow_inf_nan=False)

    @field_validator("high")
    @classmethod
    def _ordered(cls, high: float, info) -> float:
        low, base = info.data.get("low"), info.data.get("base")
        if low is not None and base is not None and not low <= base <= high:
            raise ValueError(f"expected low <= base <= high, got {low}, {base}, {high}")
        return high


def _range(low: float, base: float, high: float, unit: str):
    return Field(default=RoiRange(low=low, base=base, high=high), description=unit)


class Roi(_Strict):
    """Default ROI assumptions; edits are stored in the warehouse with their history.

    Each is a low / base / high range (a plain number means no range); the field's description
    is its unit. Defaults suit an organisation of about 600 people with a small social team.
    """

    currency: str = Field(default="EUR", min_length=1)
    include_emv: bool = Field(
        default=False, description="add earned media value, indicative only (AMEC rejects AVE)"
    )
    # Costs
    licence_per_seat_month: RoiRange = _range(30, 50, 80, "{currency} per seat per month")
    seats: RoiRange = _range(3, 5, 8, "seats")
    tools_per_month: RoiRange = _range(100, 200, 400, "{currency} per month")
    staff_hours_per_month: RoiRange = _range(15, 20, 30, "hours per month")
    hourly_rate: RoiRange = _range(40, 50, 65, "{currency} per hour (loaded cost)")
    training_one_off: RoiRange = _range(2000, 4000, 8000, "{currency}, once")
    # Benefits
    cost_per_ticket: RoiRange = _range(4, 8, 15, "{currency} per support ticket avoided")
    minutes_saved_per_answer: RoiRange = _range(
        10, 20, 30, "minutes saved per internal question answered"
    )
    hires_per_year: RoiRange = _range(0, 2, 4, "hires attributed per year")
    saving_per_hire: RoiRange = _range(2000, 4000, 8000, "{currency} saved per hire")
    attributed_revenue_per_month: RoiRange = _range(0, 0, 0, "{currency} per month")
    cpm: RoiRange = _range(2, 5, 10, "{currency} per 1,000 potential reach (EMV only)")

    @field_validator("*", mode="before")
    @classmethod
    def _number_is_a_point(cls, value):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"low": value, "base": value, "high": value}
        return value


class Dashboard(_Strict):
    export_rows: PositiveInt = 100_000  # the most rows one table download holds


class Organisation(_Strict):
    name: str = "Your organisation"


class Settings(_Strict):
    organisation: Organisation = Organisation()
    brands: list[Brand] = Field(default_factory=list)
    sources: Sources = Sources()
    channel_rules: list[ChannelRule] = Field(default_factory=list)
    internal: Internal = Internal()
    kpi_targets: KpiTargets = KpiTargets()
    alerts: Alerts = Alerts()
    privacy: Privacy = Privacy()
    retention: Retention = Retention()
    security: Security = Security()
    maturity: Maturity = Maturity()
    roi: Roi = Roi()
    dashboard: Dashboard = Dashboard()
    listen: Listen = Listen()

    @property
    def own_brands(self) -> list[Brand]:
        return [b for b in self.brands if not b.competitor]

    @property
    def competitors(self) -> list[Brand]:
        return [b for b in self.brands if b.competitor]


def _describe(error: ValidationError, source: Path) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    more = len(error.errors()) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return f"{source}: {key}: {message}{suffix}"


def config_path() -> Path:
    """``SOCIALPULSE_CONFIG``, else ``socialpulse.toml`` if present, else the committed example."""
    if env := os.environ.get("SOCIALPULSE_CONFIG"):
        return Path(env)
    return USER_CONFIG if USER_CONFIG.exists() else EXAMPLE_CONFIG


def parse_settings(text: str, source: Path = Path("<string>")) -> Settings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source}: not valid TOML: {error}") from None
    try:
        return Settings.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_describe(error, source)) from None


def load_settings(path: str | Path | None = None) -> Settings:
    """Read and validate the configuration; raise ``ConfigError`` with one line on any problem."""
    path = Path(path) if path is not None else config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror}") from None
    return parse_settings(text, path)
