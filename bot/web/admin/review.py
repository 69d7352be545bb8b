"""The review inbox: grouped questions Loa could not answer well, and what administrators do about them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from bot.channels.errors import OutboundError
from bot.channels.outbound import send_to_user
from bot.review.inbox import (
    REASON_LABELS_VI,
    STATE_LABELS_VI,
    InboxError,
    get_item,
    ignore,
    link_faq,
    link_passage,
    list_items,
    mark_answered,
    recipients,
    set_state,
    state_counts,
)
from bot.web.admin.console import Console, Officer
from bot.web.admin.notices import Notice, with_notice
from knowledge_base.models import Faq, FaqStatus, Passage, ReviewState
from knowledge_base.services.documents import search_passages
from knowledge_base.services.faqs import FaqError, list_faqs


def review_routes(console: Console) -> APIRouter:
    router = APIRouter(prefix="/review", route_class=console.route_class)

    @router.get("")
    async def inbox(request: Request, state: str = "open", who: Officer = Depends(console.admin)) -> Response:
        with console.sessions() as session:
            try:
                items = list_items(session, state=state)
            except ValueError:
                items = []
            counts = state_counts(session)
        return console.render(request, "review.html", who, items=items, state=state, counts=counts,
                              states=STATE_LABELS_VI, reasons=REASON_LABELS_VI)

    @router.get("/{item_id}")
    async def detail(request: Request, item_id: int, q: str = "", faq_q: str = "",
                     who: Officer = Depends(console.admin)) -> Response:
        with console.sessions() as session:
            try:
                summary = get_item(session, item_id)
            except InboxError as problem:
                return console.render(request, "error.html", who, 404, error=str(problem))
            people = recipients(session, item_id)
            faqs = list_faqs(session, status=FaqStatus.PUBLISHED.value, text=faq_q)[:30]
            passages = search_passages(session, q) if q.strip() else []
            linked_faq = session.get(Faq, summary.item.faq_id) if summary.item.faq_id else None
            linked_passage = session.get(Passage, summary.item.passage_id) if summary.item.passage_id else None
            if linked_passage is not None:
                linked_label = f"{linked_passage.locator} {linked_passage.document.label}"
            else:
                linked_label = None
        return console.render(request, "review_item.html", who, s=summary, people=people, faqs=faqs,
                              passages=passages, q=q, faq_q=faq_q, linked_faq=linked_faq, linked_label=linked_label,
                              review_states=list(ReviewState),
                              states=STATE_LABELS_VI, reasons=REASON_LABELS_VI)

    def back(item_id: int, notice: Notice) -> RedirectResponse:
        return RedirectResponse(with_notice(f"/admin/review/{item_id}", notice), status_code=303)

    @router.post("/{item_id}/state", dependencies=[Depends(console.csrf)])
    async def change_state(item_id: int, state: str = Form(...), who: Officer = Depends(console.admin)) -> Response:
        with console.sessions.begin() as session:
            set_state(session, item_id, ReviewState(state), actor=who.username, actor_id=who.id)
        return back(item_id, Notice.REVIEW_STATE_CHANGED)

    @router.post("/{item_id}/ignore", dependencies=[Depends(console.csrf)])
    async def ignore_item(item_id: int, reason: str = Form(""),
                          who: Officer = Depends(console.admin)) -> Response:
        with console.sessions.begin() as session:  # an InboxError is the console's 400 page
            ignore(session, item_id, reason, actor=who.username, actor_id=who.id)
        return back(item_id, Notice.REVIEW_IGNORED)

    @router.post("/{item_id}/faq", dependencies=[Depends(console.csrf)])
    async def answer_with_faq(request: Request, item_id: int, faq_id: int = Form(...),
                              who: Officer = Depends(console.admin)) -> Response:
        try:
            with console.sessions.begin() as session:
                link_faq(session, item_id, faq_id, actor=who.username, actor_id=who.id)
        except (InboxError, FaqError) as problem:
            return console.render(request, "error.html", who, 400, error=str(problem))
        console.publisher.start(actor=who.username, actor_id=who.id)
        return back(item_id, Notice.REVIEW_FAQ_LINKED)

    @router.post("/{item_id}/passage", dependencies=[Depends(console.csrf)])
    async def answer_with_passage(request: Request, item_id: int, passage_id: int = Form(...),
                                  who: Officer = Depends(console.admin)) -> Response:
        try:
            with console.sessions.begin() as session:
                link_passage(session, item_id, passage_id, actor=who.username, actor_id=who.id)
        except InboxError as problem:
            return console.render(request, "error.html", who, 400, error=str(problem))
        return back(item_id, Notice.REVIEW_PASSAGE_LINKED)

    @router.post("/{item_id}/reply", dependencies=[Depends(console.csrf)])
    async def reply(request: Request, item_id: int, text: str = Form(""), example_id: int = Form(...),
                    who: Officer = Depends(console.admin)) -> Response:
        with console.sessions() as session:
            person = next((p for p in recipients(session, item_id) if p.example_id == example_id), None)
        if person is None:
            return back(item_id, Notice.REVIEW_PERSON_MISSING)
        try:
            await send_to_user(console.runtime, person.channel, person.user_key, text)
        except OutboundError as problem:
            return console.render(request, "error.html", who, 502, error=f"Chưa gửi được: {problem}")
        with console.sessions.begin() as session:
            mark_answered(session, example_id, text, actor=who.username, actor_id=who.id)
        return back(item_id, Notice.REVIEW_REPLY_SENT)

    return router

