"""The benchmark generator: seeded, valid, realistic in shape, and scaled by its ratios."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from benchmarks.generator import SIZES, generate
from planner.io.validate import read_scenario
from planner.io.write import write_scenario
from planner.network import TransportNetwork
from planner.scenario import Scenario

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
