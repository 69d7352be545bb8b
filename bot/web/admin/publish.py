"""Publishing: start an index rebuild, watch its progress (the page polls), see a failure's reason."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from bot.web.admin.console import Console, Officer
from bot.web.admin.notices import Notice, with_notice
from indexer.snapshot import SnapshotError, index_status


def publish_routes(console: Console) -> APIRouter:
    router = APIRouter(prefix="/publish", route_class=console.route_class)

    @router.get("")
    async def status_page(request: Request, who: Officer = Depends(console.officer)) -> Response:
        try:
            status = index_status(console.sessions, console.runtime.settings.index_dir)
            problem = None
        except SnapshotError as error:
            status, problem = None, str(error)
        return console.render(request, "publish.html", who, build=console.publisher.state, status=status,
                              index_problem=problem)

    @router.get("/status.json")
    async def status_json(who: Officer = Depends(console.officer)) -> JSONResponse:
        state = console.publisher.state
        return JSONResponse(asdict(state) | {"percent": state.percent})

    @router.post("", dependencies=[Depends(console.csrf)])
    async def start(who: Officer = Depends(console.officer)) -> Response:
        started = console.publisher.start(actor=who.username, actor_id=who.id)
        notice = Notice.PUBLISH_STARTED if started else Notice.PUBLISH_QUEUED
        return RedirectResponse(with_notice("/admin/publish", notice), status_code=303)

    return router
