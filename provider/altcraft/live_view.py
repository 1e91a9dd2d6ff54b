"""One view of Altcraft's campaigns shared by every read in a provider process.

The engine asks for campaigns one at a time (a refresh of N campaigns is N reads). Answering each
with `scampaigns/get` costs N calls; walking `scampaigns/list` once costs ceil(N/1000). The view
fills itself on the first read, once, under a lock (other readers wait rather than list again),
is updated by our own writes, remembers a listing that failed (one walk per process, whatever
happens), and asks `scampaigns/get` for an id the listing lacks (a campaign
created since, or one the list does not show to this token). It lives only in the provider
process: it is never pickled, and a new process (each pulumi operation) starts a fresh one.
"""

from __future__ import annotations

import threading

from provider.altcraft.client import AltcraftClient
from provider.altcraft.model import LiveCampaign, Unreadable, index_listing
from provider.errors import AltcraftError, BadToken, ListingFailed, NoRights, NotFound, Refused


class LiveView:
    def __init__(self, client: AltcraftClient) -> None:
        self._client = client
        self._lock = threading.Lock()
        self._campaigns: dict[int, LiveCampaign | Unreadable] | None = None
        # `list` needs the "Run" right, `get` only "View object": a view-only token falls back to get.
        # (A rejected token or an outage fails every later read at once: the client remembers them.)
        self._list_refused = False
        # A listing that failed is not walked again for the next campaign (each walk is many calls).
        self._list_failed: ListingFailed | None = None

    def get(self, campaign_id: int) -> LiveCampaign:
        """The campaign as Altcraft has it; raises NotFound, or MalformedResponse for a bad object."""
        listed = self._listing().get(campaign_id)
        if isinstance(listed, LiveCampaign):
            return listed
        if isinstance(listed, Unreadable):
            raise listed.error
        campaign = self._client.get(campaign_id)
        self.record(campaign)
        return campaign

    def find(self, campaign_id: int) -> LiveCampaign | None:
        """`get`, with None where Altcraft does not have the campaign."""
        try:
            return self.get(campaign_id)
        except NotFound:
            return None

    def record(self, campaign: LiveCampaign) -> None:
        """Our own write (or a fresh get) supersedes what the listing said."""
        with self._lock:
            if self._campaigns is not None:
                self._campaigns[campaign.id] = campaign

    def _listing(self) -> dict[int, LiveCampaign | Unreadable]:
        with self._lock:
            if self._list_failed is not None:
                again = ListingFailed(str(self._list_failed))
                again.repeated = True
                raise again
            if self._campaigns is None and not self._list_refused:
                try:
                    self._campaigns = index_listing(self._client.list_all())
                except NoRights:
                    self._list_refused = True
                except AltcraftError as error:
                    if error.transient or isinstance(error, BadToken | Refused):
                        raise  # the client remembers these itself, for every kind of call
                    self._list_failed = ListingFailed(f"cannot list Altcraft's campaigns: {error}")
                    raise ListingFailed(str(self._list_failed)) from None
            return self._campaigns if self._campaigns is not None else {}
