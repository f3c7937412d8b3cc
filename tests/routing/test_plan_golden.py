"""The planner's answers for a fixed set of requests, against a recorded golden file.

The file holds every shown row of ~20 representative requests (service classes, via places,
avoided countries, sea only, planned links, variants, both containers, dated conditions and
a request with no route), recorded from the planner at b391af2, before routes were built
only for the rows shown. A change meant to keep the answers (a speed-up) must pass it
unchanged; a change of the planner's rules regenerates it on purpose:

    python tests/routing/test_plan_golden.py      # rewrite tests/routing/data/plan_golden.json
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest

from silkrail import SERVICES, CorridorNetwork, NoRouteError, load_network, plan

GOLDEN = Path(__file__).parent / "data" / "plan_golden.json"
_SUMMER, _WINTER = "2026-06-01", "2025-12-01"

# (name, origin, destination, options); "service": "all" plans each service class, as
# `silkrail plan --service all` does.
CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("default", "Chongqing", "Duisburg", {}),
    ("service-all", "Chongqing", "Duisburg", {"service": "all"}),
    ("service-all-winter", "Xi'an", "Warsaw", {"service": "all", "depart": _WINTER}),
    ("avoid-ru-by", "Xi'an", "Warsaw", {"avoid_countries": ["RU", "BY"]}),
    ("modes-sea", "Shanghai", "Rotterdam", {"modes": ["sea"]}),
    ("modes-sea-rail", "Shanghai", "Rotterdam", {"modes": ["sea", "rail"]}),
    ("modes-rail-ferry", "Chongqing", "Duisburg", {"modes": ["rail", "ferry"]}),
    ("via-baku", "Almaty", "Istanbul", {"via": ["Baku"]}),
    ("via-two", "Xi'an", "Duisburg", {"via": ["Aktau", "Baku"], "include_planned": True}),
    ("planned", "Chengdu", "Lodz", {"include_planned": True}),
    ("compare-all-variants", "Urumqi", "Rotterdam", {"compare": "all", "variants": True}),
    ("container-20", "Tashkent", "Berlin", {"container": "20"}),
    ("max-routes-3", "Wuhan", "Hamburg", {"max_routes": 3}),
    ("max-routes-20-variants", "Yiwu", "Madrid", {"max_routes": 20, "variants": True}),
    ("transshipments-2", "Zhengzhou", "Budapest", {"max_transshipments": 2}),
    ("default-milan", "Shanghai", "Milan", {}),
    ("short-kashgar", "Kashgar", "Tashkent", {}),
    ("caspian-winter", "Xi'an", "Baku", {"depart": _WINTER}),
    ("red-sea-through", "Chongqing", "Duisburg", {"through_disruptions": ["red-sea"]}),
    ("fixed-schedule-seed", "Chengdu", "Rotterdam", {"service": "fixed-schedule", "seed": 7}),
    ("avoid-ru-variants", "Lianyungang", "Istanbul", {"avoid_countries": ["RU"],
                                                     "variants": True}),
    ("no-route", "Chongqing", "Duisburg", {"avoid_countries": ["CN"]}),
]  # fmt: skip


def _exact(x: float) -> float | str:
    # NaN does not compare equal to itself and is no JSON number: record it by name.
    return "nan" if math.isnan(x) else x


def _answer(net: CorridorNetwork, origin: str, destination: str, opts: dict[str, Any]) -> Any:
    """The rows of one request: the JSON answer plus the unrounded numbers."""
    opts = {"depart": _SUMMER, **opts}
    services = SERVICES if opts.get("service") == "all" else (opts.pop("service", "block"),)
    out = []
    for service in services:
        try:
            result = plan(net, origin, destination, **{**opts, "service": service})
        except NoRouteError as exc:
            out.append({"error": str(exc), "blocking": list(exc.blocking)})
            continue
        rows = []
        for r in result.routes:
            exact = {
                f: _exact(getattr(r, f))
                for f in ("hours_mean", "hours_var", "transit_days_p5", "transit_days_p50",
                          "transit_days_p95", "generalized_cost", "cost_usd_per_container",
                          "detour_index")
            }  # fmt: skip
            row = r.to_dict(legs=True)
            # The legs, exactly, as a digest: the file stays small and a change still shows.
            legs = json.dumps(row.pop("legs"), sort_keys=True).encode()
            row["legs_sha256"] = hashlib.sha256(legs).hexdigest()
            row["n_legs"] = len(r.legs)
            variants = json.dumps(row.pop("variants"), sort_keys=True).encode()
            row["variants_sha256"] = hashlib.sha256(variants).hexdigest()
            row["variants"] = [v.label for v in r.variants]
            rows.append({"row": row, "exact": exact})
        out.append(rows)
    return out


@pytest.fixture(scope="module")
def net() -> CorridorNetwork:
    return load_network()


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("name", "origin", "destination", "opts"), CASES, ids=[c[0] for c in CASES]
)
def test_plan_answers_match_the_golden_file(
    net: CorridorNetwork,
    golden: dict[str, Any],
    name: str,
    origin: str,
    destination: str,
    opts: dict[str, Any],
) -> None:
    got = json.loads(json.dumps(_answer(net, origin, destination, dict(opts))))
    assert _same(got, golden[name]), name


def _same(got: Any, want: Any) -> bool:
    """Equal, floats to 1e-9 relative: NumPy builds may round a sum's last digit differently."""
    if isinstance(want, float) and isinstance(got, int | float):
        return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(want, dict):
        return (isinstance(got, dict) and got.keys() == want.keys()
                and all(_same(got[k], want[k]) for k in want))  # fmt: skip
    if isinstance(want, list):
        return (isinstance(got, list) and len(got) == len(want)
                and all(_same(g, w) for g, w in zip(got, want, strict=True)))  # fmt: skip
    return bool(got == want)


def test_the_comparison_is_exact_but_for_rounding() -> None:
    assert _same({"a": [1.0, "x"]}, {"a": [1.0 + 1e-13, "x"]})
    assert not _same({"a": [1.0, "x"]}, {"a": [1.0 + 1e-6, "x"]})
    assert not _same({"a": [1.0, "x"]}, {"a": [1.0, "y"]})
    assert not _same({"a": [1.0]}, {"a": [1.0], "b": 2})


def test_the_golden_file_covers_shown_rows_and_an_error(golden: dict[str, Any]) -> None:
    # The comparison above means something only if the file holds real answers.
    rows = [row for plans in golden.values() for rows in plans if isinstance(rows, list)
            for row in rows]  # fmt: skip
    assert len(rows) >= 60
    assert any(row["row"]["variants"] for row in rows)
    assert any(isinstance(p, dict) and "error" in p for plans in golden.values() for p in plans)


if __name__ == "__main__":
    network = load_network()
    answers = {name: _answer(network, o, d, dict(opts)) for name, o, d, opts in CASES}
    GOLDEN.parent.mkdir(exist_ok=True)
    # One request a line: a regenerated file diffs by request.
    lines = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in answers.items()]
    GOLDEN.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"wrote {GOLDEN} ({sum(len(p) for p in answers.values())} plans)")
