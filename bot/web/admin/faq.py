"""FAQ entries: list, write and edit (phrasings, answer, next step, citations chosen from passages), preview with
the real engine, and move through draft → published → retired."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from bot.review.inbox import InboxError, get_item, resolved_by_faq
from bot.web.admin.console import Console, Officer
from bot.web.admin.notices import Notice, with_notice
from bot.web.admin.preview import Preview, preview
from knowledge_base.models import FaqStatus, Passage
from knowledge_base.services.documents import search_passages
from knowledge_base.services.faqs import (
    STATUS_LABELS_VI,
    FaqDraft,
    FaqError,
    create_faq,
    get_faq,
    list_faqs,
    set_status,
    update_faq,
)


@dataclass(frozen=True)
class FormState:
    """The form as the officer left it (kept across search and preview)."""

    questions: str = ""
    answer: str = ""
    next_step: str = ""
    topic: str = ""
    passage_ids: tuple[int, ...] = ()
    try_question: str = ""
    passage_query: str = ""
    from_item: int | None = None

    def draft(self) -> FaqDraft:
        return FaqDraft.from_form(self.questions, self.answer, self.next_step, self.topic, self.passage_ids)


def faq_routes(console: Console) -> APIRouter:
    router = APIRouter(prefix="/faq", route_class=console.route_class)

    def page(request: Request, who: Officer, state: FormState, *, faq_id: int | None = None,
             error: str | None = None, result: Preview | None = None, status_code: int = 200) -> Response:
        with console.sessions() as session:
            faq = get_faq(session, faq_id) if faq_id is not None else None
            chosen = [p for p in (session.get(Passage, i) for i in state.passage_ids) if p is not None]
            found = search_passages(session, state.passage_query) if state.passage_query.strip() else []
            labels = {p.id: f"{p.locator} — {p.document.label}" for p in [*chosen, *found]}
            found = [p for p in found if p.id not in state.passage_ids]
        return console.render(request, "faq_form.html", who, status_code, faq=faq, state=state, chosen=chosen,
                              found=found, labels=labels, error=error, preview=result,
                              status_labels=STATUS_LABELS_VI)

    async def read_form(request: Request) -> tuple[FormState, str]:
        form = await request.form()

        def text(name: str) -> str:
            value = form.get(name)
            return value if isinstance(value, str) else ""

        ids = tuple(int(v) for v in form.getlist("passage_ids") if isinstance(v, str) and v.isdigit())
        item = text("from_item")
        state = FormState(text("questions"), text("answer"), text("next_step"), text("topic"), ids,
                          text("try_question"), text("passage_query"), int(item) if item.isdigit() else None)
        return state, text("action") or "save"

    @router.get("")
    async def listing(request: Request, status: str = "", q: str = "",
                      who: Officer = Depends(console.officer)) -> Response:
        with console.sessions() as session:
            try:
                rows = list_faqs(session, status=status, text=q)
            except ValueError:
                rows = []
        return console.render(request, "faqs.html", who, rows=rows, status=status, q=q,
                              status_labels=STATUS_LABELS_VI)

    @router.get("/new")
    async def new(request: Request, from_item: int | None = None, who: Officer = Depends(console.officer)) -> Response:
        state = FormState()
        if from_item is not None:
            if not who.is_admin:
                raise HTTPException(403, "Mục xem xét chỉ dành cho quản trị viên.")
            with console.sessions() as session:
                try:
                    item = get_item(session, from_item).item
                except InboxError as problem:
                    return console.render(request, "error.html", who, 404, error=str(problem))
                phrasings = dict.fromkeys([item.title, *(e.question for e in item.examples)])
                passage_ids = (item.passage_id,) if item.passage_id else ()
            state = FormState(questions="\n".join(list(phrasings)[:10]), passage_ids=passage_ids,
                              try_question=item.title, from_item=from_item)
        return page(request, who, state)

    async def handle(request: Request, who: Officer, faq_id: int | None) -> Response:
        state, action = await read_form(request)
        if action == "search":
            return page(request, who, state, faq_id=faq_id)
        draft = state.draft()
        try:
            draft.check()
        except FaqError as problem:
            return page(request, who, state, faq_id=faq_id, error=str(problem), status_code=400)
        if action == "preview":
            if not state.try_question.strip():
                return page(request, who, state, faq_id=faq_id, error="Hãy nhập câu hỏi để thử.", status_code=400)
            result = await run_in_threadpool(preview, console.runtime, state.try_question.strip(), draft,
                                             faq_id=faq_id)
            return page(request, who, state, faq_id=faq_id, result=result)
        try:
            with console.sessions.begin() as session:
                if faq_id is None:
                    faq = create_faq(session, draft, actor=who.username, actor_id=who.id)
                    if state.from_item is not None and who.is_admin:
                        resolved_by_faq(session, state.from_item, faq.id, actor=who.username, actor_id=who.id)
                else:
                    faq = update_faq(session, faq_id, draft, actor=who.username, actor_id=who.id)
                saved_id = faq.id
        except FaqError as problem:
            return page(request, who, state, faq_id=faq_id, error=str(problem), status_code=400)
        return RedirectResponse(with_notice(f"/admin/faq/{saved_id}", Notice.FAQ_SAVED), status_code=303)

    @router.post("/new", dependencies=[Depends(console.csrf)])
    async def create(request: Request, who: Officer = Depends(console.officer)) -> Response:
        return await handle(request, who, None)

    @router.get("/{faq_id}")
    async def edit_form(request: Request, faq_id: int, who: Officer = Depends(console.officer)) -> Response:
        with console.sessions() as session:
            try:
                faq = get_faq(session, faq_id)
            except FaqError as problem:
                return console.render(request, "error.html", who, 404, error=str(problem))
            state = FormState("\n".join(faq.questions), faq.answer, faq.next_step or "", faq.topic or "",
                              tuple(c.passage_id for c in faq.citations if c.passage_id is not None),
                              try_question=faq.questions[0] if faq.questions else "")
        return page(request, who, state, faq_id=faq_id)

    @router.post("/{faq_id}", dependencies=[Depends(console.csrf)])
    async def edit(request: Request, faq_id: int, who: Officer = Depends(console.officer)) -> Response:
        return await handle(request, who, faq_id)

    @router.post("/{faq_id}/status", dependencies=[Depends(console.csrf)])
    async def change_status(request: Request, faq_id: int, status: str = Form(...),
                            who: Officer = Depends(console.officer)) -> Response:
        try:
            target = FaqStatus(status)
            with console.sessions.begin() as session:
                set_status(session, faq_id, target, actor=who.username, actor_id=who.id)
        except FaqError as problem:
            return console.render(request, "error.html", who, 400, error=str(problem))
        except ValueError:
            return RedirectResponse(with_notice(f"/admin/faq/{faq_id}", Notice.FAQ_STATUS_REFUSED), status_code=303)
        if target is FaqStatus.DRAFT:
            return RedirectResponse(with_notice(f"/admin/faq/{faq_id}", Notice.FAQ_TO_DRAFT), status_code=303)
        console.publisher.start(actor=who.username, actor_id=who.id)
        return RedirectResponse(with_notice("/admin/publish", Notice.FAQ_STATUS_CHANGED), status_code=303)

    return router
