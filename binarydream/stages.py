"""The slow stages of a song (its analysis, the lyrics' alignment) with a bar each while they run.

The library is quiet by default; the command line turns the bars on
(:func:`show_stages`) when stderr is a terminal. A stage that ends within
:data:`DELAY` seconds (an analysis read from the cache) shows nothing. The time
a stage takes is not known before it ends, so its bar counts the seconds.

Examples
--------
>>> import io
>>> out = io.StringIO()
>>> with show_stages(out):
...     with stage("analysis"):
...         pass
>>> out.getvalue()
''
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time

DELAY = 0.5
"""Seconds a stage runs before its bar appears."""

_stream = contextvars.ContextVar("binarydream_stage_stream", default=None)


@contextlib.contextmanager
def show_stages(stream):
    """While inside, :func:`stage` draws its bar on ``stream`` (None: no bars).

    Examples
    --------
    >>> import sys
    >>> with show_stages(sys.stderr if sys.stderr.isatty() else None):
    ...     pass
    """
    token = _stream.set(stream)
    try:
        yield
    finally:
        _stream.reset(token)


@contextlib.contextmanager
def stage(name: str):
    """Run the body as one stage: on a terminal (:func:`show_stages`), a bar named ``name`` with its seconds.

    Examples
    --------
    >>> with stage("lyrics: aligning"):
    ...     pass
    """
    stream = _stream.get()
    if stream is None:
        yield
        return
    from tqdm.auto import tqdm

    done, bars, started = threading.Event(), [], time.time()

    def tick():
        if done.wait(DELAY):
            return
        bar = tqdm(total=1, desc=name, file=stream, bar_format="{desc}: {elapsed}", dynamic_ncols=True)
        bar.start_t = started  # the seconds of the whole stage, not only those since the bar appeared
        bars.append(bar)
        while not done.wait(0.5):
            bar.refresh()

    clock = threading.Thread(target=tick, name=f"stage {name}", daemon=True)
    clock.start()
    try:
        yield
    finally:
        done.set()
        clock.join()
        for bar in bars:
            bar.update(1)
            bar.close()
