"""Pages for people: the web chat, the shared inbox and the insights (plain HTML/CSS/JS, no build step).

The pages are static shells; every piece of data comes from the JSON API, which enforces the
operator token for the inbox and insights. Without a token the inbox and insights pages follow
the API's rule (direct loopback clients only), so a proxy's visitors are refused the page too.
Nothing is loaded from a CDN: pages work offline.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from chatgw.server.routes._deps import operator_page

PAGES = Path(__file__).parent / "pages"


def mount_pages(app: FastAPI) -> None:
    """Serve `/`, `/inbox`, `/insights`, `/favicon.ico` and `/static/*`."""
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/", _page("chat"), methods=["GET"])
    for route, name in (("/inbox", "inbox"), ("/insights", "insights")):
        router.add_api_route(route, _page(name), methods=["GET"], dependencies=[Depends(operator_page)])
    # Browsers ask for /favicon.ico whatever the page links: answer it rather than 404.
    router.add_api_route("/favicon.ico", _favicon, methods=["GET"])
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=PAGES / "static"), name="static")


async def _favicon() -> FileResponse:
    return FileResponse(PAGES / "static" / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "max-age=86400"})


def _page(name: str):  # type: ignore[no-untyped-def]
    path = PAGES / f"{name}.html"

    async def page() -> FileResponse:
        return FileResponse(path, media_type="text/html", headers={"Cache-Control": "no-cache"})

    page.__name__ = f"{name}_page"
    return page
