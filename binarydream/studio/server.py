"""The studio's web server: thin Starlette routes over :class:`~binarydream.studio.session.Session`, and its guard.

Every ``/api`` route parses the request, calls one session method (which calls
the library) and answers JSON; an error the user can act on is
``{"error": "one line"}`` with status 400 (a keyframe string that does not
parse: status 200, so that the page shows it while typing). The guard in front
of every request: the ``Host`` must be this server (``127.0.0.1:PORT`` or
``localhost:PORT``: no DNS rebinding), an ``Origin``, when sent, this server
too; ``/api`` needs the session's token (header ``X-Studio-Token`` or query
``token``); request bodies over :data:`MAX_BODY` bytes get 413. Files served:
the page's own (``static/``, no path out of it) and the song's audio and the
previews this session made.

Examples
--------
>>> studio = start(song, open_browser=False)  # doctest: +SKIP
>>> studio.url  # doctest: +SKIP
'http://127.0.0.1:40213/?token=...'
>>> studio.stop()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import mimetypes
import re
import secrets
import socket
import sys
import threading
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from ..errors import BinaryDreamError, KeyframeError, MissingDependencyError, ScheduleError

STATIC = Path(__file__).parent / "static"
"""The page's files (index.html, its modules, styles and vendored libraries)."""
MAX_BODY = 4 * 1024 * 1024
"""Largest request body, in bytes."""
TOKEN_HEADER = "x-studio-token"


def _json(status: int, data) -> tuple[int, bytes]:
    return status, json.dumps(data).encode()


def _first_line(error: BaseException) -> str:
    from ..console import error_line

    text = error_line(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class Guard:
    """ASGI middleware: Host and Origin checks, the token on ``/api``, the body size limit.

    Parameters
    ----------
    app : ASGI app
    token : str
        The session's secret.
    hosts : set of str
        Accepted ``Host`` values (``"127.0.0.1:8765"``, ...); origins are ``http://`` + these.

    Examples
    --------
    >>> Guard(app, token=secrets.token_urlsafe(24), hosts={"127.0.0.1:8765"}).origins  # doctest: +SKIP
    {'http://127.0.0.1:8765'}
    """

    def __init__(self, app, *, token: str, hosts: set):
        self.app, self.token, self.hosts = app, token, set(hosts)
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":  # the studio has none: refuse before any route sees it
            return await send({"type": "websocket.close", "code": 1008})
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is None and int(headers.get("content-length") or 0) > MAX_BODY:
            refusal = 413, f"the request body is over {MAX_BODY // (1024 * 1024)} MiB"
        body = b""
        if refusal is None and scope["method"] in ("POST", "PUT", "PATCH"):
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > MAX_BODY:
                    refusal = 413, f"the request body is over {MAX_BODY // (1024 * 1024)} MiB"
                    break
        if refusal is not None:
            status, text = refusal
            return await _send(send, *_json(status, {"error": text}))
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)

    def _refusal(self, scope, headers):
        if headers.get("host") not in self.hosts:
            return 403, "this studio answers only at its own address (the Host header does not match)"
        if "origin" in headers and headers["origin"] not in self.origins:
            return 403, f"requests from {headers['origin'][:60]} are refused: open the studio's own URL"
        if scope["path"].startswith("/api"):
            given = headers.get(TOKEN_HEADER)
            if given is None:
                given = (parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token") or [None])[0]
            if not given or not secrets.compare_digest(given.encode(), self.token.encode()):
                return 403, "missing or wrong token: open the URL the studio printed (it carries the token)"
        return None


async def _send(send, status: int, body: bytes):
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


def create_app(session, *, token: str, hosts: set):
    """The studio's ASGI app for ``session``, guarded (see :class:`Guard`).

    Examples
    --------
    >>> app = create_app(session, token="secret", hosts={"127.0.0.1:8765"})  # doctest: +SKIP
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.responses import FileResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    def answer(status: int, data) -> Response:
        return Response(json.dumps(data), status_code=status, media_type="application/json",
                        headers={"cache-control": "no-store"})

    async def body_of(request) -> dict:
        try:
            data = json.loads(await request.body() or b"null")
        except ValueError:
            raise _BadRequest("the body is not JSON") from None
        if not isinstance(data, dict):
            raise _BadRequest("the body must be a JSON object")
        return data

    def route(method):
        """A handler that runs ``method(session, body)`` in a worker thread and answers its result or one error line."""
        async def handle(request):
            try:
                data = await body_of(request)
                return answer(200, await run_in_threadpool(method, data))
            except _BadRequest as error:
                return answer(400, {"error": str(error)})
            except (BinaryDreamError, OSError, UnicodeError) as error:
                return answer(400, {"error": _first_line(error)})
            except Exception as error:  # noqa: BLE001 - the page gets one line, never a traceback
                print(f"binarydream studio: {type(error).__name__}: {error}", file=sys.stderr)
                return answer(500, {"error": f"internal error ({type(error).__name__}): {_first_line(error)}"})
        return handle

    def curve(data):
        try:
            return session.curve(data.get("name"), data.get("source"))
        except (KeyframeError, ScheduleError) as error:
            return {"error": str(error).splitlines()[0], "detail": str(error)}

    def save(data):
        return session.save(data)

    def realign(data):
        return session.realign(data.get("index"), data.get("start"), data.get("end"))

    def preview(data):
        return session.preview(data.get("start"), data.get("end"), data.get("schedule"))

    def export_deforum(data):
        return session.export_deforum(data.get("schedule"))

    async def state(request):
        return Response(await run_in_threadpool(session.state_bytes), media_type="application/json",
                        headers={"cache-control": "no-store"})

    async def index(request):
        page = STATIC / "index.html"
        if not page.is_file():
            return answer(404, {"error": "the studio page is not installed (binarydream/studio/static/index.html)"})
        return FileResponse(page, headers={"cache-control": "no-store", "referrer-policy": "no-referrer"})

    async def audio(request):
        media = mimetypes.guess_type(session.song.path.name)[0] or "application/octet-stream"
        return FileResponse(session.song.path, media_type=media)

    async def preview_file(request):
        match = re.fullmatch(r"([0-9a-f]{16})\.mp4", request.path_params["name"])
        path = session.previews.get(match.group(1)) if match else None
        if path is None or not path.is_file():
            return answer(404, {"error": "no such preview in this session: make it again"})
        return FileResponse(path, media_type="video/mp4")

    async def not_found(request, error):
        message = "not found" if error.status_code == 404 else error.detail
        return answer(error.status_code, {"error": f"{message}: {request.url.path[:80]}"})

    routes = [Route("/", index), Route("/api/state", state), Route("/api/audio", audio),
              Route("/api/preview/{name}", preview_file),
              Route("/api/curve", route(curve), methods=["POST"]), Route("/api/save", route(save), methods=["POST"]),
              Route("/api/realign", route(realign), methods=["POST"]),
              Route("/api/preview", route(preview), methods=["POST"]),
              Route("/api/export/deforum", route(export_deforum), methods=["POST"]),
              Mount("/static", StaticFiles(directory=STATIC, check_dir=False, follow_symlink=False))]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found})
    return Guard(app, token=token, hosts=hosts)


class _BadRequest(ValueError):
    pass


@dataclass
class Studio:
    """A running studio: its URL (with the token), the session it shows, and how to stop it.

    Examples
    --------
    >>> studio = start(song)  # doctest: +SKIP
    >>> studio.port, studio.url.startswith("http://127.0.0.1:")  # doctest: +SKIP
    (40213, True)
    """

    url: str
    token: str
    port: int
    session: object
    _server: object = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        """Stop serving, wait for the server to finish, and delete this session's previews.

        Examples
        --------
        >>> studio.stop()  # doctest: +SKIP
        """
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.session.close()

    def serve_until_interrupted(self) -> None:
        """Block until Ctrl-C (or the server stops), then stop.

        Examples
        --------
        >>> start(song, open_browser=True).serve_until_interrupted()  # doctest: +SKIP
        """
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def start(song, schedule=None, *, schedule_path=None, lrc_path=None, lyrics=None, lyrics_model=None, language=None,
          host: str = "127.0.0.1", port: int = 0, open_browser: bool = False) -> Studio:
    """Serve the studio of ``song`` in a background thread; returns the running :class:`Studio`.

    Parameters
    ----------
    song : binarydream.Song
    schedule : Schedule or None
        What to edit; None: the file at ``schedule_path`` when it exists, else ``song.plan()``.
    schedule_path, lrc_path : str, Path or None
        Where Save writes (default ``<song stem>.schedule.yaml`` and ``<song stem>.lrc`` beside the song).
        The analysis overrides go to ``<song stem>.overrides.json`` beside the song, which the
        :class:`~binarydream.Song` reads next time (:mod:`binarydream.analysis.overrides`).
    lyrics : alignment.Lyrics or None
        Lyrics to show instead of ``song.lyrics``.
    lyrics_model, language : str or None
        Whisper model (name or folder) and language for re-aligning a line (:func:`alignment.align`).
    host : str
        Address to bind; keep 127.0.0.1 (this machine only) unless you know why not.
    port : int
        0: a free port.
    open_browser : bool
        Open the URL in the default browser.

    Examples
    --------
    >>> studio = start(Song("examples/dream_example.ogg"), port=0)  # doctest: +SKIP
    >>> studio.stop()  # doctest: +SKIP
    """
    try:
        import uvicorn
    except ImportError:
        raise MissingDependencyError("the studio needs Starlette and uvicorn: pip install 'binarydream[studio]'") \
            from None
    from .session import Session

    session = Session(song, schedule, schedule_path=schedule_path, lrc_path=lrc_path, lyrics=lyrics,
                      lyrics_model=lyrics_model, language=language)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        session.close()
        raise BinaryDreamError(f"cannot serve the studio at {host}:{port} ({error.strerror}): choose another --port")
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    hosts = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", host)}
    app = create_app(session, token=token, hosts=hosts)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="binarydream-studio", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        thread.join(0.02)
    if not server.started:
        session.close()
        raise BinaryDreamError(f"the studio's server did not start on {host}:{port}: see the message above")
    url = f"http://{'127.0.0.1' if host in ('127.0.0.1', '0.0.0.0') else host}:{port}/?token={token}"
    if open_browser:
        webbrowser.open(url)
    return Studio(url=url, token=token, port=port, session=session, _server=server, _thread=thread)
