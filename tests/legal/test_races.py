"""Requests made at the same moment in one case get distinct numbers (SQLite serialises
writers; on PostgreSQL the unique constraint turns a clash into a retry)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from conftest import Env
from sabueso.legal.office import update_office
from sabueso.legal.requests import new_request

from .helpers import OFFICE, base, day


def test_simultaneous_requests_get_distinct_numbers(env: Env) -> None:
    env.new_case("GT-1")
    update_office(env.home, dict(OFFICE))
    spaces = [env.workspace() for _ in range(4)]

    def make(n: int) -> str:
        view, _ = new_request(spaces[n], "GT-1", base(
            targets=[f"username:cuenta_{n}@{day(-9)}T10:00"], legal_basis="CP art. 274"))
        return view.number

    with ThreadPoolExecutor(4) as pool:
        numbers = list(pool.map(make, range(4)))
    assert sorted(numbers) == [f"SOL-{numbers[0][4:8]}-000{i}" for i in range(1, 5)]
    listed = env.ok("request", "list", "GT-1", "--json").json()
    assert len(listed) == 4
    env.ok("verify", "GT-1")
