"""Parties priced as a whole (``arrivals.party_offers``): where a way onto a first service,
with escorted units and an escort they need, prices out at the master's duals although the
master has no such party, the generation adds the units' itineraries and the escort's duty
together, and the master's value falls."""

from __future__ import annotations

from benchmarks.runner import busy_week
from planner.network import TransportNetwork
from planner.solver.arrivals import party_offers
from planner.solver.generation import ColumnGeneration
from planner.solver.master import NEEDS, party_key, suits


def after_two_rounds() -> ColumnGeneration:
    """The 40-case busy week, seed 1, after two rounds without offers, its master solved and
    priced at its own duals."""
    s = busy_week(40, 1).scenario()
    generation = ColumnGeneration(s, TransportNetwork(s))
    generation.offers = False
    generation.run(max_rounds=2, smoothing=0.0)
    generation.master.solve()
    generation.pricing.refresh()
    return generation


def test_the_parties_offered_after_two_rounds_lower_the_master() -> None:
    generation = after_two_rounds()
    m, s = generation.master, generation.scenario
    before = m.solve()
    offers = party_offers(m, generation.pricing, 40)
    assert offers
    for offer in offers:
        assert offer.value < 0
        for u in offer.units:
            unit = m.units[u]
            assert unit.escorted and (unit.origin, unit.home) == (offer.origin, offer.home)
        # Together the escorts taken meet every need of the units taken.
        for u in offer.units:
            for need in NEEDS:
                if m.units[u].needs(need):
                    assert any(suits(s, s.escorts[e].escort_id, need) for e in offer.escorts)
        known = len(m.columns)
        if not generation._party_offer(offer):
            continue
        # The units' columns and the escorts' duties added are of one party of the master.
        made = [column for column in m.columns[known:] if column.kind in ("x", "y")]
        parties = {m.journeys[column.journey].party for column in made}
        assert len(parties) == 1
        (k,) = parties
        assert ("cap", k) in m.rows
    assert m.solve() < before - 1_000_000, "the parties offered save more than Rp 1 M"


def test_a_party_key_is_its_way_onto_the_first_service_and_its_home() -> None:
    generation = after_two_rounds()
    m = generation.master
    for offer in party_offers(m, generation.pricing, 10):
        if offer.head is None:
            continue
        heads, _ = generation.pricing._origin(offer.origin)
        head = heads[offer.head]
        for u in offer.units:
            nodes = offer.keys.unit_way(u, head.service)
            assert nodes is not None and nodes[0] == head.service
            legs = (*head.legs, *generation.net.legs_of(list(nodes)))
            way, home = party_key(legs, offer.home)
            assert home == m.units[u].home
            assert isinstance(way, tuple)
            assert legs[len(way) - 1].service_id == generation.net.services[head.service].service_id
