"""Signing in to the console through its forms, as a browser does."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response

from knowledge_base.db import SessionFactory
from knowledge_base.models import Role
from knowledge_base.services.users import create_user

PASSWORD = "mat-khau-du-dai-1"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_user(factory: SessionFactory, username: str, role: Role) -> None:
    with factory.begin() as session:
        create_user(session, username=username, password=PASSWORD, role=role, display_name=username.title())


def csrf_of(response: Response) -> str:
    match = CSRF.search(response.text)
    assert match, f"no CSRF field on {response.url}"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Response:
    page = client.get("/admin/login")
    return client.post("/admin/login", data={"csrf": csrf_of(page), "username": username, "password": password,
                                             "next": "/admin"}, follow_redirects=False)


def token(client: TestClient, path: str = "/admin") -> str:
    """The signed-in session's CSRF token, read from a page's forms."""
    return csrf_of(client.get(path))
