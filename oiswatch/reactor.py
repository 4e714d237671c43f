"""One asyncio event loop under Twisted's asyncio reactor, for the whole process.

Scrapy's AsyncCrawlerRunner, APScheduler's AsyncIOScheduler and our own coroutines all share
it, so crawls repeat in one process without restarting a reactor (which Twisted cannot do).
The reactor must be installed before anything imports ``twisted.internet.reactor``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def install() -> None:
    """Install the asyncio reactor (once; a second call is harmless)."""
    from scrapy.utils.reactor import install_reactor, is_reactor_installed

    if is_reactor_installed():
        from scrapy.utils.reactor import verify_installed_reactor

        verify_installed_reactor(ASYNCIO_REACTOR)
        return
    install_reactor(ASYNCIO_REACTOR)


def run(main: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run ``main()`` on the reactor's loop and return its exit code.

    Twisted's own signal handlers stay off: ``main`` installs the ones it wants on the loop.
    """
    install()
    from twisted.internet import reactor as installed

    # Twisted's stubs type the reactor as its interfaces, whose methods mypy cannot call.
    reactor: Any = installed

    result: dict[str, Any] = {}

    # The reactor's own loop: startup triggers fire just before it starts running.
    loop = asyncio.get_event_loop()

    def start() -> None:
        task = loop.create_task(main())

        def done(t: asyncio.Task[int]) -> None:
            if t.cancelled():
                result["code"] = 1
            elif t.exception() is not None:
                result["error"] = t.exception()
            else:
                result["code"] = t.result()
            reactor.stop()

        task.add_done_callback(done)

    reactor.callWhenRunning(start)
    reactor.run(installSignalHandlers=False)
    if "error" in result:
        raise result["error"]
    return int(result.get("code", 1))
