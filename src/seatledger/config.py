"""Configuration read from the environment (see docs/api.md, "Configuration")."""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from seatledger.domain.rate_limits import Policy, parse_policy


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SEATLEDGER_", extra="ignore")

    database_url: str = "sqlite:///seatledger.db"
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    mail_from: str = "no-reply@seatledger.local"
    secret_key: str | None = None
    # A week: a leaked token dies within days even if nobody revokes it; scripts sign in again
    # (docs/adr/0021).
    token_ttl_hours: int = 24 * 7
    # Sent mail is kept this long (for "was my link sent?"), then pruned; erasure prunes at once
    # the erased person's sent mail older than this (docs/adr/0024).
    sent_mail_retention_days: int = Field(default=30, ge=0, le=3650)
    # The Maildir of the demo's embedded SMTP catcher; set by `seatledger demo` only. When set,
    # /demo/mail shows what it caught; otherwise that page is a 404 (docs/adr/0026).
    demo_mail_dir: str | None = None
    # Overrides of the documented limits (docs/api.md, "Configuration"); "off" for none.
    rate_limits: str = ""

    @field_validator("rate_limits")
    @classmethod
    def _readable_rate_limits(cls, text: str) -> str:
        parse_policy(text)  # a ValueError names the problem; the server refuses to start
        return text

    @property
    def rate_limit_policy(self) -> Policy:
        return parse_policy(self.rate_limits)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def effective_secret_key(self) -> str:
        """The configured key, or one generated once and kept beside the SQLite file."""
        if self.secret_key:
            return self.secret_key
        key_file = self._secret_key_file()
        if key_file.exists():
            return key_file.read_text().strip()
        key = secrets.token_urlsafe(48)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key

    def _secret_key_file(self) -> Path:
        url = make_url(self.database_url)
        if self.is_sqlite and url.database and url.database != ":memory:":
            db_path = Path(url.database).resolve()
            return db_path.with_name(db_path.name + ".secret")
        return Path.cwd() / ".seatledger-secret"
