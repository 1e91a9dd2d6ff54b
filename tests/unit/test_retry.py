"""RetryPolicy: bounded, jittered, honours Retry-After, never retries what cannot succeed."""

import pytest

from provider.altcraft.retry import RetryPolicy, TransientFailure, parse_retry_after


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def policy(fake: FakeTime, **kwargs) -> RetryPolicy:
    return RetryPolicy(sleep=fake.sleep, clock=lambda: fake.now, jitter=lambda: 0.5, **kwargs)


def flaky(failures: int, result: str = "ok", retry_after: float | None = None):
    calls = {"n": 0}

    def attempt() -> str:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise TransientFailure(RuntimeError("boom"), retry_after)
        return result

    return attempt, calls


def test_retries_transient_failures_with_growing_delays() -> None:
    fake = FakeTime()
    attempt, calls = flaky(3)
    assert policy(fake).run(attempt) == "ok"
    assert calls["n"] == 4
    assert fake.sleeps == [0.375, 0.75, 1.5]  # base 0.5 * 2**n, equal jitter at 0.5


def test_gives_up_within_the_budget_and_says_so() -> None:
    fake = FakeTime()
    attempt, calls = flaky(100)
    with pytest.raises(RuntimeError, match=r"boom \(gave up after \d+ attempts in \d+s\)"):
        policy(fake, budget_s=10).run(attempt)
    assert fake.now <= 10
    assert calls["n"] >= 4


def test_honours_retry_after() -> None:
    fake = FakeTime()
    attempt, _ = flaky(1, retry_after=7)
    policy(fake).run(attempt)
    assert fake.sleeps == [7]


def test_a_retry_after_beyond_the_budget_fails_at_once() -> None:
    fake = FakeTime()
    attempt, calls = flaky(1, retry_after=120)
    with pytest.raises(RuntimeError):
        policy(fake, budget_s=60).run(attempt)
    assert calls["n"] == 1 and fake.sleeps == []


def test_other_errors_are_not_retried() -> None:
    calls = {"n": 0}

    def attempt() -> None:
        calls["n"] += 1
        raise ValueError("bad token")

    with pytest.raises(ValueError):
        policy(FakeTime()).run(attempt)
    assert calls["n"] == 1


def test_a_write_that_landed_is_not_sent_again() -> None:
    fake = FakeTime()
    attempt, calls = flaky(5)
    assert policy(fake).run(attempt, before_retry=lambda: "landed") == "landed"
    assert calls["n"] == 1


def test_zero_budget_means_no_retry() -> None:
    attempt, calls = flaky(1)
    with pytest.raises(RuntimeError):
        policy(FakeTime(), budget_s=0).run(attempt)
    assert calls["n"] == 1


@pytest.mark.parametrize(("value", "seconds"), [("3", 3.0), ("0.5", 0.5), (None, None), ("soon", None), ("-4", 0.0)])
def test_parse_retry_after(value, seconds) -> None:
    assert parse_retry_after(value) == seconds


def test_parse_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
