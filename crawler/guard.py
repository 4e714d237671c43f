"""AddressGuard: the crawl connects only where ``crawler.addresses`` allows.

The check is made on the address each connection is about to use, inside the reactor's
name resolution: a host that resolved to a public address when its link was read may
resolve to 127.0.0.1 when it is fetched (DNS rebinding), and every redirect hop is a new
connection, so it is checked too. A refused address is dropped from the resolution; the
middleware then turns the "no address" failure into ``AddressRefused`` with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CannotResolveHostError
from scrapy.http import Request
from twisted.internet import error as neterror
from twisted.internet.interfaces import (
    IAddress,
    IHostnameResolver,
    IHostResolution,
    IResolutionReceiver,
)
from zope.interface import implementer, provider

from crawler.addon import crawl_context
from crawler.addresses import Origin, address_refusal, origin, origins
from crawler.exceptions import AddressRefused

# Refusal reasons kept for the middleware to name; a bound, not a cache worth tuning.
MAX_REASONS = 10_000


@dataclass
class Policy:
    """Where connections may go. One per process, as the reactor's resolver is: each crawl
    adds the origins its operator configured."""

    allow_private: bool = False
    allowed: set[Origin] = field(default_factory=set)
    refused: dict[Origin, str] = field(default_factory=dict)  # why the last lookup came back empty

    def permits_any_address(self, where: Origin) -> bool:
        return self.allow_private or where in self.allowed

    def note(self, where: Origin, reason: str) -> None:
        if len(self.refused) >= MAX_REASONS:
            self.refused.clear()
        self.refused[where] = reason


@provider(IResolutionReceiver)
class _PublicOnly:
    """Passes on the addresses a connection may use and notes why the others were dropped."""

    def __init__(self, receiver: IResolutionReceiver, where: Origin, policy: Policy) -> None:
        self.receiver = receiver
        self.where = where
        self.policy = policy

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # noqa: N802 - Twisted's
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:  # noqa: N802
        host = getattr(address, "host", "")
        reason = address_refusal(host)
        if reason is None:
            self.receiver.addressResolved(address)
        else:
            self.policy.note(self.where, f"{host}, {reason}")

    def resolutionComplete(self) -> None:  # noqa: N802
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver:
    """The reactor's name resolver, filtered by a ``Policy``."""

    def __init__(self, inner: IHostnameResolver, policy: Policy) -> None:
        self.inner = inner
        self.policy = policy

    def resolveHostName(  # noqa: N802 - Twisted's interface
        self,
        resolutionReceiver: IResolutionReceiver,  # noqa: N803
        hostName: str,  # noqa: N803
        portNumber: int = 0,  # noqa: N803
        addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> IHostResolution:
        where = (hostName.lower(), portNumber)
        receiver = resolutionReceiver
        if not self.policy.permits_any_address(where):
            self.policy.refused.pop(where, None)
            receiver = _PublicOnly(resolutionReceiver, where, self.policy)
        return self.inner.resolveHostName(
            receiver, hostName, portNumber, addressTypes, transportSemantics
        )


def install(reactor: Any) -> GuardedResolver:
    """The reactor's guarded resolver, wrapped around its resolver on first use."""
    current = reactor.nameResolver
    if isinstance(current, GuardedResolver):
        return current
    guarded = GuardedResolver(current, Policy())
    reactor.installNameResolver(guarded)
    return guarded


class AddressGuard:
    """Downloader middleware: installs the guard when a spider opens, and names the reason
    when a request failed because its address was refused."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy: Policy | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        guard = cls(crawler)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        return guard

    def spider_opened(self, spider: Any) -> None:
        from twisted.internet import reactor

        self.policy = install(reactor).policy
        config = crawl_context(self.crawler).config
        self.policy.allow_private = config.crawl.allow_private_addresses
        operator_urls = getattr(spider, "operator_urls", None)
        if operator_urls is not None:
            self.policy.allowed |= origins(operator_urls())

    def process_exception(self, request: Request, exception: Exception) -> None:
        no_address = (CannotResolveHostError, neterror.DNSLookupError)
        if self.policy is None or not isinstance(exception, no_address):
            return None
        where = origin(request.url)
        reason = self.policy.refused.get(where) if where else None
        if reason is not None:
            raise AddressRefused(
                f"refused: {where[0]}:{where[1]} is {reason} "  # type: ignore[index]
                "(set [crawl] allow_private_addresses = true to allow it)"
            )
        return None
