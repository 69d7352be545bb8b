"""Console accounts: argon2 password hashes, sign-in with a per-account lock after repeated wrong passwords."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge_base.models import Role, User, utcnow
from knowledge_base.services.audit import record_change

MAX_FAILURES = 5
"""Wrong passwords in a row before the account is locked."""
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()


class UserError(ValueError):
    """A request the service refuses; the message is Vietnamese and can be shown as is."""


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked_until: datetime | None = None
    """Set when the account is (now) locked; ``user`` is then None."""


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


def authenticate(session: Session, username: str, password: str, *, now: datetime | None = None) -> SignIn:
    """Check a password inside the caller's transaction, counting failures and locking the account after
    ``MAX_FAILURES`` in a row; a locked account is refused even with the right password until the lock ends."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip().lower()).with_for_update())
    if user is None or not user.active:
        return SignIn(None)
    locked = _aware(user.locked_until)
    if locked is not None and locked > now:
        return SignIn(None, locked)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCK_DURATION
            user.failed_logins = 0
            record_change(session, actor=user.username, actor_id=user.id, action="lock", entity_type="user",
                          entity_id=user.id, summary=f"Khoá tạm {user.username} sau {MAX_FAILURES} lần sai mật khẩu")
            return SignIn(None, user.locked_until)
        return SignIn(None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return SignIn(user)


def set_active(session: Session, user_id: int, active: bool, *, actor: str, actor_id: int | None) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UserError("Không tìm thấy tài khoản.")
    if actor_id == user_id and not active:
        raise UserError("Bạn không thể tự khoá tài khoản của mình.")
    before = user_snapshot(user)
    user.active = active
    if active:
        user.locked_until = None
        user.failed_logins = 0
    record_change(session, actor=actor, actor_id=actor_id, action="activate" if active else "deactivate",
                  entity_type="user", entity_id=user.id, summary=f"{'Mở' if active else 'Khoá'} tài khoản "
                  f"{user.username}", before=before, after=user_snapshot(user))
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))
