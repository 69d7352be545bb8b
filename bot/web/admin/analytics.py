"""Analytics page and its CSV export (administrators)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from bot.analytics import Report, build_report, to_csv
from bot.web.admin.charts import rate_lines, stacked_bars
from bot.web.admin.console import Console, Officer

RATE_SERIES = {"answered": "Trả lời", "clarify": "Hỏi lại", "refused": "Từ chối"}
WINDOWS = (7, 30, 90)


def analytics_routes(console: Console) -> APIRouter:
    router = APIRouter(prefix="/analytics", route_class=console.route_class)

    def report(days: int) -> Report:
        today = console.runtime.settings.today_or_now()
        with console.sessions() as session:
            return build_report(session, end=today, days=days if days in WINDOWS else 30)

    @router.get("")
    async def page(request: Request, days: int = 30, who: Officer = Depends(console.admin)) -> Response:
        data = report(days)
        volume = stacked_bars(data.days, data.channels, data.per_day_channel, "Số câu hỏi mỗi ngày theo kênh")
        rates = rate_lines(data.days, RATE_SERIES, data.rates, "Tỉ lệ trả lời, hỏi lại, từ chối")
        return console.render(request, "analytics.html", who, r=data, volume=volume, rates=rates, days=days,
                              windows=WINDOWS)

    @router.get("/export.csv")
    async def export(days: int = 30, who: Officer = Depends(console.admin)) -> Response:
        data = report(days)
        name = f"loa-thong-ke-{data.start.isoformat()}-{data.end.isoformat()}.csv"
        return Response("\ufeff" + to_csv(data), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return router
