"""One view of Altcraft's campaigns shared by every read in a provider process.

The engine asks for campaigns one at a time (a refresh of N campaigns is N reads). Answering each
with `scampaigns/get` costs N calls; walking `scampaigns/list` once costs ceil(N/1000). The view
fills itself on the first read, once, under a lock (other readers wait rather than list again),
is updated by our own writes, and asks `scampaigns/get` for an id the listing lacks (a campaign
created since, or one the list does not show to this token). It lives only in the provider
process: it is never pickled, and a new process (each pulumi operation) starts a fresh one.
"""

from __future__ import annotations

import threading

from provider.client import AltcraftClient, BadToken, Campaign, NoRights, Unreadable


class LiveView:
    def __init__(self, client: AltcraftClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._campaigns: dict[int, Campaign | Unreadable] | None = None
        # `list` needs the "Run" right, `get` only "View object": a view-only token falls back to get.
        self._list_refused = False
        # A rejected token stays rejected for this process: fail every read without asking again.
        self._bad_token: BadToken | None = None

    def get(self, campaign_id: int) -> Campaign:
        """The campaign as Altcraft has it; raises NotFound, or MalformedResponse for a bad object."""
        listed = self._listing().get(campaign_id)
        if isinstance(listed, Campaign):
            return listed
        if isinstance(listed, Unreadable):
            raise listed.error
        campaign = self._client.get(campaign_id)
        self.record(campaign)
        return campaign

    def record(self, campaign: Campaign) -> None:
        """Our own write (or a fresh get) supersedes what the listing said."""
        with self._lock:
            if self._campaigns is not None:
                self._campaigns[campaign.id] = campaign

    def _listing(self) -> dict[int, Campaign | Unreadable]:
        with self._lock:
            if self._bad_token is not None:
                raise self._bad_token
            if self._campaigns is None and not self._list_refused:
                try:
                    self._campaigns = {item.id: item for item in self._client.list_all()}
                except NoRights:
                    self._list_refused = True
                except BadToken as error:
                    self._bad_token = error
                    raise
            return self._campaigns if self._campaigns is not None else {}
