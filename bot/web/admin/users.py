"""Accounts (administrators) and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from bot.web.admin.console import Console, Officer
from bot.web.admin.notices import Notice, with_notice
from knowledge_base.models import AuditLog, Role
from knowledge_base.services.users import UserError, create_user, list_users, set_active, set_password

AUDIT_PAGE = 100
ACTION_LABELS_VI = {"create": "Tạo", "update": "Sửa", "import": "Nhập", "retire": "Ngừng dùng", "restore": "Dùng lại",
                    "publish": "Xuất bản", "publish_failed": "Xuất bản thất bại", "unpublish": "Về bản nháp",
                    "login": "Đăng nhập", "lock": "Làm chậm đăng nhập", "activate": "Mở khoá", "deactivate": "Khoá",
                    "state": "Đổi trạng thái", "ignore": "Bỏ qua", "link_faq": "Gắn câu hỏi thường gặp",
                    "link_passage": "Gắn đoạn văn", "new_faq": "Viết câu hỏi thường gặp", "reply": "Gửi trả lời",
                    "password": "Đổi mật khẩu"}
ENTITY_LABELS_VI = {"document": "văn bản", "faq": "câu hỏi thường gặp", "review_item": "mục xem xét",
                    "user": "tài khoản", "index": "chỉ mục"}


def user_routes(console: Console) -> APIRouter:
    router = APIRouter(route_class=console.route_class)

    @router.get("/users")
    async def users(request: Request, who: Officer = Depends(console.admin), error: str | None = None) -> Response:
        with console.sessions() as session:
            rows = list_users(session)
        return console.render(request, "users.html", who, rows=rows, roles=list(Role), error=error)

    @router.post("/users", dependencies=[Depends(console.csrf)])
    async def create(request: Request, username: str = Form(""), display_name: str = Form(""),
                     password: str = Form(""), role: str = Form("officer"),
                     who: Officer = Depends(console.admin)) -> Response:
        try:
            with console.sessions.begin() as session:
                create_user(session, username=username, password=password, role=Role(role),
                            display_name=display_name, actor=who.username, actor_id=who.id)
        except (UserError, ValueError) as problem:
            return await users(request, who, str(problem))
        return RedirectResponse(with_notice("/admin/users", Notice.USER_CREATED), status_code=303)

    @router.post("/users/{user_id}/active", dependencies=[Depends(console.csrf)])
    async def activate(request: Request, user_id: int, active: str = Form("1"),
                       who: Officer = Depends(console.admin)) -> Response:
        try:
            with console.sessions.begin() as session:
                set_active(session, user_id, active == "1", actor=who.username, actor_id=who.id)
        except UserError as problem:
            return await users(request, who, str(problem))
        return RedirectResponse(with_notice("/admin/users", Notice.USER_UPDATED), status_code=303)

    @router.post("/users/{user_id}/password", dependencies=[Depends(console.csrf)])
    async def change_password(request: Request, user_id: int, password: str = Form(""),
                              who: Officer = Depends(console.admin)) -> Response:
        """A new password for an account (one's own included); every session of that account ends."""
        try:
            with console.sessions.begin() as session:
                set_password(session, user_id, password, actor=who.username, actor_id=who.id)
        except UserError as problem:
            return await users(request, who, str(problem))
        if user_id == who.id:
            return RedirectResponse("/admin/login", status_code=303)
        return RedirectResponse(with_notice("/admin/users", Notice.PASSWORD_CHANGED), status_code=303)

    @router.get("/audit")
    async def audit(request: Request, entity: str = "", page: int = 1,
                    who: Officer = Depends(console.admin)) -> Response:
        page = max(page, 1)
        query = select(AuditLog).order_by(AuditLog.id.desc())
        if entity:
            query = query.where(AuditLog.entity_type == entity)
        with console.sessions() as session:
            rows = list(session.scalars(query.offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE + 1)))
        return console.render(request, "audit.html", who, rows=rows[:AUDIT_PAGE], entity=entity, page=page,
                              more=len(rows) > AUDIT_PAGE, actions=ACTION_LABELS_VI, entities=ENTITY_LABELS_VI)

    return router
