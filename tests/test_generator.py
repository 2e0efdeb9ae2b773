"""The benchmark generator: seeded, valid, realistic in shape, and scaled by its ratios."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from benchmarks.generator import SIZES, TIGHT_BUDGET_SHARE, generate, main
from benchmarks.structures import OFFICES, STRUCTURES
from planner.baseline import plan_baseline
from planner.io.validate import read_scenario
from planner.io.write import write_scenario
from planner.network import TransportNetwork
from planner.scenario import Scenario, Service

KALIMANTAN_AND_JAKARTA = {
    "Kalimantan Tengah",
    "Kalimantan Selatan",
    "Kalimantan Utara",
    "DKI Jakarta",
}


@pytest.fixture(scope="module")
def small() -> Scenario:
    return generate("S", seed=7)


@pytest.fixture(scope="module")
def medium() -> Scenario:
    return generate("M", seed=3)


@pytest.fixture(scope="module")
def surge() -> Scenario:
    return generate(400, seed=1, structure="nunukan-surge")


@pytest.fixture(scope="module")
def scarce() -> Scenario:
    return generate(120, seed=1, structure="escort-scarce")


def test_same_seed_same_scenario_other_seed_other_scenario(small: Scenario) -> None:
    assert generate("S", seed=7) == small
    other = generate("S", seed=8)
    assert other != small
    assert [c.home_id for c in other.cases] != [c.home_id for c in small.cases]


def test_sizes_give_their_number_of_cases(small: Scenario, medium: Scenario) -> None:
    assert len(small.cases) == SIZES["S"] == 50
    assert len(medium.cases) == SIZES["M"] == 500
    assert len(generate(23).cases) == 23
    with pytest.raises(ValueError):
        generate("XXL")
    with pytest.raises(ValueError):
        generate(0)


def test_a_small_scenario_reads_back_unchanged(small: Scenario, tmp_path: Path) -> None:
    write_scenario(small, tmp_path / "bench")
    back = read_scenario(tmp_path / "bench")
    assert back == small
    assert len(back.services) == len(small.services) and len(back.links) == len(small.links)


def test_every_home_is_reachable_but_about_one_percent(small: Scenario) -> None:
    network = TransportNetwork(small)
    stranded = [c for c in small.cases if not network.route_exists(c.location_id, c.home_id)]
    assert 1 <= len(stranded) <= max(1, round(0.02 * len(small.cases)))
    # The deliberate ones: islands no ship or flight reaches this fortnight.
    assert {c.home_id for c in stranded} <= {"REG-SABU-RAIJUA", "REG-KEPULAUAN-SELAYAR"}
    assert all(not c.household_id for c in stranded)


def test_no_route_cases_are_one_percent_in_a_bigger_scenario(medium: Scenario) -> None:
    served = {link.to_id for link in medium.links} | {link.from_id for link in medium.links}
    stranded = [c for c in medium.cases if c.home_id not in served]
    assert len(stranded) == 5


def test_escorts_follow_escort_ratio_and_nothing_else_changes(medium: Scenario) -> None:
    scarce = generate("M", seed=3, escort_ratio=0.5)
    plenty = generate("M", seed=3, escort_ratio=2.0)
    assert len(scarce.escorts) < len(medium.escorts) < len(plenty.escorts)
    assert scarce.cases == medium.cases and scarce.services == medium.services
    assert scarce.budget_lines == medium.budget_lines
    escorted = sum(c.needs_escort for c in medium.cases)
    assert 6 <= escorted / len(medium.escorts) <= 8
    shelters_needing = {c.location_id for c in medium.cases if c.needs_escort}
    assert {e.base_id for e in scarce.escorts} == shelters_needing
    women_needed = {c.location_id for c in medium.cases if "female_escort" in c.needs}
    assert women_needed <= {e.base_id for e in medium.escorts if e.sex == "F"}
    assert generate("S", seed=7, escort_ratio=0).escorts == ()


def test_ceilings_follow_budget_ratio(medium: Scenario) -> None:
    tight = generate("M", seed=3, budget_ratio=0.6)
    assert tight.cases == medium.cases and tight.escorts == medium.escorts
    normal = sum(b.ceiling_idr for b in medium.budget_lines)
    assert 0.55 * normal <= sum(b.ceiling_idr for b in tight.budget_lines) <= 0.65 * normal
    lines = {b.budget_line_id: b for b in medium.budget_lines}
    assert lines["BL-PT-SML"].cost_types == frozenset({"fare", "meal"})
    assert {c.category for c in medium.cases if c.funding == frozenset({"BL-PT-SML"})} == {"terlantar"}
    assert all(c.funding <= set(lines) for c in medium.cases)


def test_shelters_and_homes_are_spread_as_in_the_field(medium: Scenario) -> None:
    cases = medium.cases
    shelters = Counter(c.location_id for c in cases)
    assert len(shelters) == 6
    assert shelters.most_common(1)[0][0] == "SHL-NUNUKAN"
    assert {medium.location(s).province for s in shelters} == KALIMANTAN_AND_JAKARTA
    nunukan = Counter(c.category for c in cases if c.location_id == "SHL-NUNUKAN")
    assert nunukan.most_common(1)[0][0] == "deportee"
    jakarta = Counter(c.category for c in cases if c.location_id == "SHL-JAKARTA")
    assert jakarta["tppo"] + jakarta["pmi"] > 0.6 * sum(jakarta.values())
    provinces = Counter(medium.location(c.home_id).province for c in cases)
    java = sum(n for p, n in provinces.items() if p.startswith("Jawa") or p == "DI Yogyakarta")
    assert java + provinces["Nusa Tenggara Barat"] > 0.45 * len(cases)
    assert provinces["Sulawesi Selatan"] > 0.05 * len(cases)
    assert provinces["Nusa Tenggara Timur"] > 0.05 * len(cases)
    assert 30 <= len({c.home_id for c in cases}) <= 50
    assert 12 <= len({c.home_id for c in generate("S", seed=7).cases}) <= 22
    in_households = sum(1 for c in cases if c.household_id) / len(cases)
    assert 0.07 <= in_households <= 0.2
    assert all(
        c.national_id and c.national_id[:2] in {"32", "33", "34", "35", "52", "53", "63", "73", "74"}
        for c in cases
    )


def test_times_carry_the_zone_of_their_place(small: Scenario) -> None:
    for service in small.services:
        assert service.depart.utcoffset() == small.location(service.from_id).utc_offset
        assert service.arrive.utcoffset() == small.location(service.to_id).utc_offset
    zones = {loc.province: loc.utc_offset.total_seconds() / 3600 for loc in small.locations.values()}
    assert zones["Kalimantan Tengah"] == 7 and zones["Kalimantan Utara"] == 8
    assert {s.mode for s in small.services} == {"ferry", "flight", "bus"}
    assert len({s.service_id for s in small.services}) == len(small.services)


# -- structures (issue 23) ------------------------------------------------------------------


def _sailings(scenario: Scenario, from_id: str, to_id: str) -> list[Service]:
    return sorted(
        (s for s in scenario.services if (s.from_id, s.to_id) == (from_id, to_id)), key=lambda s: s.depart
    )


@pytest.mark.parametrize(
    ("cases", "structure", "tight"),
    [(400, "nunukan-surge", False), (120, "escort-scarce", False), (120, "escort-scarce", True)],
)
def test_each_structure_reads_back_unchanged(cases: int, structure: str, tight: bool, tmp_path: Path) -> None:
    scenario = generate(cases, seed=2, structure=structure, tight_budget=tight)
    back = read_scenario(write_scenario(scenario, tmp_path / structure))
    assert back == scenario
    assert generate(cases, seed=2, structure=structure, tight_budget=tight) == scenario
    assert generate(cases, seed=3, structure=structure, tight_budget=tight) != scenario
    with pytest.raises(ValueError):
        generate(cases, structure="monsoon")


def test_the_surge_is_400_deportees_in_one_nunukan_shelter_over_three_weeks(surge: Scenario) -> None:
    assert len(surge.cases) == 400
    assert {c.location_id for c in surge.cases} == {"SHL-NUNUKAN"}
    assert surge.location("SHL-NUNUKAN").utc_offset == timedelta(hours=8)
    assert surge.settings.start.utcoffset() == timedelta(hours=8)
    assert surge.settings.horizon_days == 21
    categories = Counter(c.category for c in surge.cases)
    assert categories["deportee"] > 0.8 * len(surge.cases) and categories["tppo"] > 0
    first_days = surge.settings.start.date() + timedelta(days=2)
    assert sum(c.ready <= first_days for c in surge.cases) > 0.7 * len(surge.cases)
    provinces = Counter(surge.location(c.home_id).province for c in surge.cases)
    assert provinces.most_common(1)[0][0] == "Sulawesi Selatan"
    assert {"Nusa Tenggara Barat", "Nusa Tenggara Timur", "Jawa Timur"} <= set(provinces)


def test_the_surge_ships_sail_weekly_and_the_first_ones_cannot_take_everyone(surge: Scenario) -> None:
    start, end = surge.settings.start, surge.settings.end
    for port in ("PORT-PAREPARE", "PORT-SURABAYA"):
        sailings = _sailings(surge, "PORT-NUNUKAN", port)
        assert all(b.depart - a.depart == timedelta(days=7) for a, b in pairwise(sailings))
        assert sum(start <= s.depart < end for s in sailings) >= 2
        first = sailings[0]
        ready = sum(c.ready <= first.depart.date() for c in surge.cases)
        assert first.seats < ready / 2
    assert not _sailings(surge, "PORT-NUNUKAN", "PORT-MAKASSAR")
    first_week = [s for s in surge.services if s.depart < start + timedelta(days=7)]
    speedboats = [s for s in first_week if (s.from_id, s.to_id) == ("PORT-NUNUKAN", "PORT-TARAKAN")]
    assert 3 <= len(speedboats) <= 7
    for airport in ("APT-UPG", "APT-SUB", "APT-BPN"):
        assert sum((s.from_id, s.to_id) == ("APT-TRK", airport) for s in first_week) == 4


def test_some_surge_homes_are_three_services_away_and_none_further(surge: Scenario) -> None:
    network = TransportNetwork(surge)
    homes = Counter(c.home_id for c in surge.cases)
    fewest = {
        h: network.services_to(h)["SHL-NUNUKAN"] for h in homes if network.route_exists("SHL-NUNUKAN", h)
    }
    assert len(homes) - len(fewest) <= 2  # the islands no ship reaches this time
    far = {h for h, n in fewest.items() if n >= 3}
    assert far and sum(homes[h] for h in far) >= 10
    assert max(fewest.values()) == network.max_services == 3
    assert sum(homes[h] for h, n in fewest.items() if n >= 2) > 0.25 * len(surge.cases)


def test_the_surge_has_few_escorts_some_flying_in_from_other_islands(surge: Scenario) -> None:
    escorted = sum(c.needs_escort for c in surge.cases)
    assert 0.1 * len(surge.cases) < escorted < 0.5 * len(surge.cases)
    assert 10 <= len(surge.escorts) <= 20
    bases = Counter(e.base_id for e in surge.escorts)
    assert bases.most_common(1)[0][0] == "SHL-NUNUKAN"
    assert set(bases) - {"SHL-NUNUKAN"} == set(OFFICES)
    assert {surge.location(b).province for b in OFFICES} == {"Sulawesi Selatan", "Jawa Timur"}
    assert any(e.sex == "F" for e in surge.escorts if e.base_id == "SHL-NUNUKAN")


def test_the_escort_scarce_week_needs_women_escorts_it_hardly_has(scarce: Scenario) -> None:
    assert len(scarce.cases) == 120 and {c.location_id for c in scarce.cases} == {"SHL-JAKARTA"}
    women_needed = sum("female_escort" in c.needs for c in scarce.cases)
    assert women_needed >= 0.6 * len(scarce.cases)
    assert len(scarce.escorts) == 4
    women = sum(e.sex == "F" for e in scarce.escorts)
    assert 0 < women < len(scarce.escorts)
    assert {e.base_id for e in scarce.escorts} == {"SHL-JAKARTA"}
    assert generate(120, seed=1, structure="escort-scarce", escort_ratio=0).escorts == ()


@pytest.mark.parametrize(("cases", "structure"), [(400, "nunukan-surge"), (120, None)])
def test_a_tight_budget_leaves_less_than_the_baseline_spends(cases: int, structure: str | None) -> None:
    usual = generate(cases, seed=1, structure=structure)
    tight = generate(cases, seed=1, structure=structure, tight_budget=True)
    assert tight.cases == usual.cases and tight.services == usual.services and tight.escorts == usual.escorts
    usual_total = sum(b.ceiling_idr for b in usual.budget_lines)
    tight_total = sum(b.ceiling_idr for b in tight.budget_lines)
    assert tight_total == pytest.approx(TIGHT_BUDGET_SHARE * usual_total, rel=0.05)  # rounded up
    spent = plan_baseline(usual).objective.cost_idr
    assert tight_total < 0.7 * spent < usual_total


def test_the_command_line_makes_a_structure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--structure", "escort-scarce", "--tight-budget", "--seed", "1", "--out", str(tmp_path / "week")])
    assert capsys.readouterr().out.strip() == str(tmp_path / "week")
    written = read_scenario(tmp_path / "week")
    assert written == generate(
        STRUCTURES["escort-scarce"].cases, seed=1, structure="escort-scarce", tight_budget=True
    )
    assert written.settings.name == "Benchmark escort-scarce 120 tight budget (seed 1)"
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--tight-budget" in capsys.readouterr().out
