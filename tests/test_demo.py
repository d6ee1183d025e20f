"""Demo mode: the service catches its own mail and staff can read it."""

from __future__ import annotations

import dataclasses

import httpx

from feedback import clock
from feedback.app import create_app
from feedback.demo.seed import DEMO_PASSWORD, seed_demo
from feedback.items.models import FeedbackItem
from notifications.catcher import start_catcher
from notifications.delivery import deliver_pending
from tests.helpers import citizen_body
from tests.notifications.support import pick_port


async def test_demo_catches_mail_and_shows_it(database_clean, settings, tmp_path) -> None:
    maildir = tmp_path / "mail"
    port = pick_port()
    demo = dataclasses.replace(
        settings, demo=True, demo_maildir=maildir, smtp=dataclasses.replace(settings.smtp, port=port)
    )
    catcher = await start_catcher(maildir, port=port)
    try:
        lines = await seed_demo(demo)
        assert any("pakn-demo-2026" in line for line in lines)
        assert await FeedbackItem.all().count() == 3
        assert await seed_demo(demo) == [lines[-1]]  # a second start adds nothing
        app = create_app(demo, init_db=False, background=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            # Each printed item link opens the citizen's tracking page (HTML), not the JSON API.
            links = [line.split(": ", 1)[1] for line in lines if line.startswith("demo item ")]
            assert len(links) == 3
            for link in links:
                tracked = await client.get(link.removeprefix(demo.base_url))
                assert tracked.status_code == 200 and "text/html" in tracked.headers["content-type"]
            created = (await client.post("/api/v1/feedback", json=citizen_body())).json()
            while (await deliver_pending(demo.smtp, now=clock.now(), tz=demo.tz)).sent:
                pass
            # The page is for staff: logged out, it sends the browser to the login page.
            page = await client.get("/demo/mail")
            assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
            login = await client.post(
                "/api/v1/auth/login", json={"email": "canbo.hadong@pakn.demo", "password": DEMO_PASSWORD}
            )
            assert (await client.get("/api/v1/demo/mail")).status_code == 401
            client.cookies.set("pakn_session", login.json()["token"])
            page = await client.get("/demo/mail")
            assert page.status_code == 200
            assert created["code"] in page.text and "Nguyễn Văn An" in page.text
            client.cookies.clear()
            token = (
                await client.post(
                    "/api/v1/auth/login", json={"email": "canbo.hadong@pakn.demo", "password": DEMO_PASSWORD}
                )
            ).json()["token"]
            caught = (
                await client.get("/api/v1/demo/mail", headers={"Authorization": f"Bearer {token}"})
            ).json()
            assert any(created["code"] in m["subject"] for m in caught)
            assert {m["to"].split("<")[-1].rstrip(">") for m in caught} >= {
                "an@example.vn",
                "an.nguyen@example.vn",
            }
    finally:
        await catcher.close()


async def test_each_role_lands_on_its_own_work_after_login(database_clean, settings) -> None:
    """The demo's organiser logs in to the conferences, not to a 403 inbox; others to the inbox."""
    await seed_demo(settings)
    app = create_app(settings, init_db=False, background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://t") as web:
        for email, landing in (
            ("tochuc.hadong@pakn.demo", "/conferences/manage"),
            ("canbo.hadong@pakn.demo", "/staff"),
        ):
            web.cookies.clear()
            response = await web.post(
                "/staff/login", data={"email": email, "password": DEMO_PASSWORD, "next": ""}
            )
            assert response.status_code == 303 and response.headers["location"] == landing
            assert (await web.get(landing)).status_code == 200
        web.cookies.clear()
        await web.post("/staff/login", data={"email": "tochuc.hadong@pakn.demo", "password": DEMO_PASSWORD})
        inbox = await web.get("/staff")  # an old bookmark: on to the conferences, not a 403
        assert inbox.status_code == 303 and inbox.headers["location"] == "/conferences/manage"
        asked = await web.post(
            "/staff/login",
            data={"email": "tochuc.hadong@pakn.demo", "password": DEMO_PASSWORD, "next": "/staff/questions"},
        )
        assert asked.headers["location"] == "/staff/questions"  # a page asked for wins


async def test_demo_pages_are_off_outside_demo(client) -> None:
    assert (await client.get("/demo/mail")).status_code == 404
