"""The clock rule: Altcraft's clock is read only while this machine's agrees (provider.altcraft.clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from provider.altcraft.clock import ClockWatch, machine_now, relative, trusted_now
from provider.errors import ClockError, SettingsError
from provider.settings import max_clock_skew

URL = "https://altcraft.example/api/v1.1"
FIVE_MINUTES = timedelta(seconds=300)
SETTING = "altcraft:maxClockSkewSeconds (default)"


def date_header(offset: timedelta) -> str:
    return format_datetime(machine_now() + offset, usegmt=True)


def watch_of(*headers: str | None) -> ClockWatch:
    watch = ClockWatch()
    for header in headers:
        watch.observe(header)
    return watch


def test_agreeing_clocks_give_altcraft_time() -> None:
    watch = watch_of(date_header(timedelta(seconds=90)), date_header(timedelta(seconds=91)))
    now = trusted_now(watch.reading(), FIVE_MINUTES, SETTING, URL)
    assert abs(now - (machine_now() + timedelta(seconds=91))) < timedelta(seconds=2)


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (timedelta(days=11), "ahead by 11 d 0 h"),
        (timedelta(hours=4), "ahead by 4 h 0 min"),
        (timedelta(hours=-3), "behind by 3 h 0 min"),
        (timedelta(seconds=-302), "behind by 5 min"),
        (timedelta(days=-20_000), "behind by 20000 d"),  # 1970: once silently ignored
    ],
)
def test_a_clock_off_by_more_than_the_bound_fails_naming_both_clocks_and_the_setting(
    offset: timedelta, words: str
) -> None:
    with pytest.raises(ClockError) as caught:
        trusted_now(watch_of(date_header(offset)).reading(), FIVE_MINUTES, SETTING, URL)
    message = str(caught.value)
    assert words in message and "this machine's clock (" in message
    assert f"more than {SETTING} allows (300 s)" in message and URL in message


def test_answers_that_disagree_with_each_other_fail_even_when_each_is_near() -> None:
    # 4 minutes ahead, then 4 minutes behind: each within 5 minutes of ours, 8 apart.
    watch = watch_of(date_header(timedelta(minutes=4)), date_header(timedelta(minutes=-4)))
    with pytest.raises(ClockError, match="answers in this run disagree about the time by 8 min"):
        trusted_now(watch.reading(), FIVE_MINUTES, SETTING, URL)


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ([None], "without a Date header"),
        ([date_header(timedelta(0)), None], "without a Date header"),
        (["garbage"], "with a Date header that is not an HTTP date ('garbage')"),
        ([""], "with a Date header that is not an HTTP date ('')"),
        (["Mon, 32 Foo 2026 99:99:99 GMT"], "not an HTTP date"),
        ([], "without a Date header"),  # no answer at all: nothing to trust
    ],
)
def test_a_missing_or_malformed_date_is_said_never_a_fallback(headers: list[str | None], words: str) -> None:
    with pytest.raises(ClockError, match="neither clock alone is trusted") as caught:
        trusted_now(watch_of(*headers).reading(), FIVE_MINUTES, SETTING, URL)
    assert words in str(caught.value)


def test_a_date_header_is_quoted_short_and_printable() -> None:
    watch = watch_of("x\x1b[31m" + "y" * 500)
    with pytest.raises(ClockError) as caught:
        trusted_now(watch.reading(), FIVE_MINUTES, SETTING, URL)
    assert "\x1b" not in str(caught.value) and len(str(caught.value)) < 600


def test_the_reading_is_relative_to_when_each_answer_arrived() -> None:
    watch = ClockWatch()
    arrived = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    watch.observe("Mon, 30 Nov 2026 12:10:00 GMT", received_at=arrived)
    reading = watch.reading()
    assert reading.latest == reading.lowest == reading.highest == timedelta(minutes=10, milliseconds=500)
    assert (reading.answers, reading.missing, reading.unreadable) == (1, 0, None)


def test_the_bound_is_a_guard_the_environment_overrides_for_one_run() -> None:
    assert max_clock_skew(lambda _k: None, {}) == (300, "altcraft:maxClockSkewSeconds (default)")
    config = {"altcraft:maxClockSkewSeconds": "60"}.get
    assert max_clock_skew(config, {}) == (60, "altcraft:maxClockSkewSeconds")
    assert max_clock_skew(config, {"ALTCRAFT_MAX_CLOCK_SKEW_SECONDS": "900"}) == (
        900,
        "ALTCRAFT_MAX_CLOCK_SKEW_SECONDS",
    )
    for raw in ("0", "-5", "3601", "soon", "1.5"):
        with pytest.raises(SettingsError, match="must be a whole number of seconds from 1 to 3600"):
            max_clock_skew(lambda _k, raw=raw: raw, {})


def test_a_span_read_from_whole_second_dates_rounds_to_its_smaller_unit() -> None:
    from provider.altcraft.clock import duration

    # A Date header counts whole seconds: six hours ahead can read as 5 h 59 min 59.4 s.
    assert duration(timedelta(hours=6) - timedelta(seconds=0.6)) == "6 h 0 min"
    assert duration(timedelta(days=11) - timedelta(seconds=0.6)) == "11 d 0 h"
    assert duration(timedelta(minutes=7, seconds=3)) == "7 min 3 s"


def test_how_far_apart_two_clocks_are_is_said_in_units_not_raw_seconds() -> None:
    assert relative(timedelta(seconds=489_732)) == "5 d 16 h ahead of"
    assert relative(timedelta(seconds=-150)) == "2 min 30 s behind"
