"""Console accounts: argon2 password hashes; sign-in with a progressive per-account delay that the owner's usual
address passes; server-side sessions revoked at sign-out, password change and lock; the last administrator kept."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from knowledge_base.models import ConsoleSession, Role, User, utcnow
from knowledge_base.services.audit import record_change

FREE_FAILURES = 3
"""Wrong passwords in a row before each further attempt must wait."""
MAX_DELAY = timedelta(minutes=5)
"""The longest wait (1 s, 2 s, 4 s … after that): slow for guessing, short for the owner."""
KNOWN_ADDRESS_DAYS = 30
"""An address the owner signed in from within this many days is not kept waiting."""
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
"""Verified against when there is no account to check, so unknown and known names take the same time."""


class UserError(ValueError):
    """A request the service refuses; the message is Vietnamese and can be shown as is."""


@dataclass(frozen=True)
class SignIn:
    """The account when the password was right, else None; why it failed is deliberately not told."""

    user: User | None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def create_user(session: Session, *, username: str, password: str, role: Role, display_name: str = "",
                actor: str = "cli", actor_id: int | None = None) -> User:
    username = username.strip().lower()
    if not username or len(username) > 100 or not username.replace(".", "").replace("_", "").isalnum():
        raise UserError("Tên đăng nhập chỉ gồm chữ, số, dấu chấm hoặc gạch dưới.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    if session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise UserError(f"Tên đăng nhập «{username}» đã có.")
    user = User(username=username, display_name=display_name.strip() or username, password_hash=hash_password(password),
                role=role, active=True)
    session.add(user)
    session.flush()
    record_change(session, actor=actor, actor_id=actor_id, action="create", entity_type="user", entity_id=user.id,
                  summary=f"Tạo tài khoản {username} ({role.value})", after=user_snapshot(user))
    return user


def user_snapshot(user: User) -> dict[str, object]:
    """What the audit log keeps of an account (never the hash)."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role.value,
            "active": user.active}


def delay_after(failures: int) -> timedelta:
    """How long the next attempt waits after ``failures`` wrong passwords in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES, 20)), MAX_DELAY)


def authenticate(session: Session, username: str, password: str, *, address: str = "",
                 now: datetime | None = None) -> SignIn:
    """Check a password inside the caller's transaction. Every path verifies exactly one argon2 hash (a dummy one
    for unknown or inactive names and for a waiting account), so timing tells nothing. After ``FREE_FAILURES``
    wrong passwords the account waits ``delay_after``; during the wait only an address the owner signed in from
    recently is heard, so a stranger's guesses cannot keep the owner out."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip().lower()).with_for_update())
    waiting = user is not None and (_aware(user.locked_until) or now) > now
    if user is None or not user.active or (waiting and not known_address(session, user.id, address, now)):
        _verify(_DUMMY_HASH, password)
        return SignIn(None)
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        wait = delay_after(user.failed_logins)
        if wait:
            user.locked_until = now + wait
            if user.failed_logins == FREE_FAILURES:
                record_change(session, actor=user.username, actor_id=user.id, action="lock", entity_type="user",
                              entity_id=user.id, summary=f"Làm chậm đăng nhập của {user.username} sau "
                              f"{FREE_FAILURES} lần sai mật khẩu")
        return SignIn(None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return SignIn(user)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# ---------------------------------------------------------------- sessions
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, *, address: str, lifetime: timedelta,
                 now: datetime | None = None) -> str:
    """A new session for ``user``; returns the token for the cookie (only its hash is stored)."""
    now = now or utcnow()
    forgotten = now - timedelta(days=KNOWN_ADDRESS_DAYS)  # older sessions serve neither sign-in nor known_address
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id,
                                                 ConsoleSession.expires_at < forgotten))
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(token_hash=_token_hash(token), user_id=user.id, address=address[:64],
                               created_at=now, expires_at=now + lifetime))
    session.flush()
    return token


def session_user(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The active account of a live session (not revoked, not expired), or None."""
    now = now or utcnow()
    record = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token)))
    if record is None or record.revoked_at is not None or (_aware(record.expires_at) or now) <= now:
        return None
    user = session.get(User, record.user_id)
    return user if user is not None and user.active else None


def revoke_session(session: Session, token: str, *, now: datetime | None = None) -> None:
    record = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token)))
    if record is not None and record.revoked_at is None:
        record.revoked_at = now or utcnow()


def revoke_all(session: Session, user_id: int, *, now: datetime | None = None) -> int:
    """End every session of the account; returns how many were live."""
    now = now or utcnow()
    live = list(session.scalars(select(ConsoleSession).where(ConsoleSession.user_id == user_id,
                                                             ConsoleSession.revoked_at.is_(None))))
    for record in live:
        record.revoked_at = now
    return len(live)


def known_address(session: Session, user_id: int, address: str, now: datetime) -> bool:
    """Whether the account signed in from ``address`` within ``KNOWN_ADDRESS_DAYS``."""
    if not address:
        return False
    since = now - timedelta(days=KNOWN_ADDRESS_DAYS)
    return bool(session.scalar(select(func.count()).select_from(ConsoleSession).where(
        ConsoleSession.user_id == user_id, ConsoleSession.address == address[:64],
        ConsoleSession.created_at >= since)))


def set_password(session: Session, user_id: int, password: str, *, actor: str, actor_id: int | None) -> User:
    """A new password; every session of the account ends."""
    user = session.get(User, user_id)
    if user is None:
        raise UserError("Không tìm thấy tài khoản.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    ended = revoke_all(session, user.id)
    record_change(session, actor=actor, actor_id=actor_id, action="password", entity_type="user",
                  entity_id=user.id, summary=f"Đổi mật khẩu của {user.username}; kết thúc {ended} phiên")
    return user


def _other_active_admins(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user_id)) or 0


def set_active(session: Session, user_id: int, active: bool, *, actor: str, actor_id: int | None) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UserError("Không tìm thấy tài khoản.")
    if actor_id == user_id and not active:
        raise UserError("Bạn không thể tự khoá tài khoản của mình.")
    if not active and user.role is Role.ADMIN and user.active and not _other_active_admins(session, user.id):
        raise UserError("Không thể khoá quản trị viên cuối cùng: hãy tạo hoặc mở khoá một quản trị viên khác trước.")
    before = user_snapshot(user)
    user.active = active
    if active:
        user.locked_until = None
        user.failed_logins = 0
    else:
        revoke_all(session, user.id)
    record_change(session, actor=actor, actor_id=actor_id, action="activate" if active else "deactivate",
                  entity_type="user", entity_id=user.id, summary=f"{'Mở' if active else 'Khoá'} tài khoản "
                  f"{user.username}", before=before, after=user_snapshot(user))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))
