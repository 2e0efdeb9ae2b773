"""Re-planning after a disruption: what stays, what may move, and what each move costs.

At ``now`` every party under way or done (it, or one of its escorts, has left) stays exactly
as it is, and so does every pinned party.  The rest of the week is planned again on what those
parties leave of it: the seats they do not use, the budget they have not spent, each escort
once free of them, and no departure before ``now``.  Keeping a traveller's booking costs
nothing; changing or cancelling it costs ``change_idr_per_person`` (``planner.bookings``), so
the new plan moves as few people as it must.  The plan returned is the whole week's: the parties
that stayed beside the new ones, priced and checked as one plan.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from planner.assemble import EscortTrip, PartyChoice, build_plan
from planner.bookings import Bookings, Legs
from planner.charging import NoCharging, allocate
from planner.events import CancelService, CloseLink, EscortUnavailable, Event, NotReady, Seats, Withdraw
from planner.network import Itinerary
from planner.optimizer import Options
from planner.plan import EscortDuty, Leg, Party, Plan
from planner.scenario import Escort, Scenario
from planner.solver.search import ColumnOptimizer

Why = Literal["under way", "pinned"]
_FREED = "moved to make better use of what the events freed"
ProgressFn = Callable[[float, int, int], None]
# Solves at most, each sending a day later whoever the last would have sent off before ``now``.
EARLY_TRIES = 4


class ReplanError(ValueError):
    """The re-plan cannot keep what it must keep; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Change:
    """One traveller whose booking changes: a case or an escort's duty."""

    traveller_id: str
    kind: Literal["case", "escort"]
    old_party: str | None
    new_party: str | None
    old_legs: tuple[Leg, ...]
    new_legs: tuple[Leg, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class Replanned:
    plan: Plan
    changes: tuple[Change, ...]
    kept: dict[str, Why]  # the earlier plan's parties kept as they were, and why

    @property
    def moved(self) -> int:
        return sum(1 for c in self.changes if c.kind == "case" and c.old_legs and c.new_legs)

    @property
    def newly_planned(self) -> int:
        return sum(1 for c in self.changes if c.kind == "case" and not c.old_legs and c.new_legs)

    @property
    def newly_waiting(self) -> int:
        return sum(1 for c in self.changes if c.kind == "case" and c.old_legs and not c.new_legs)


def kept_parties(old: Plan, now: datetime, pins: Iterable[str] = ()) -> dict[str, Why]:
    """The parties of ``old`` that may not change: under way or done at ``now`` (the party or
    one of its escorts has left), or pinned (in ``old`` or by ``pins``)."""
    pinned = set(pins)
    unknown = pinned - {p.party_id for p in old.parties}
    if unknown:
        raise ReplanError(
            f"--pin names {', '.join(sorted(unknown))}, which the plan does not have: "
            "pin parties by their id in plan.json (P1, P2, ...)"
        )
    duties = defaultdict(list)
    for duty in old.escort_duties:
        duties[duty.party_id].append(duty)
    kept: dict[str, Why] = {}
    for party in old.parties:
        starts = [party.legs[0].depart, *(d.start for d in duties[party.party_id])]
        if min(starts) < now:
            kept[party.party_id] = "under way"
        elif party.pinned or party.party_id in pinned:
            kept[party.party_id] = "pinned"
    return kept


def replan(
    scenario: Scenario,
    old: Plan,
    now: datetime,
    pins: Iterable[str] = (),
    events: Sequence[Event] = (),
    options: Options | None = None,
    progress: ProgressFn | None = None,
    stop: threading.Event | None = None,
    before: Scenario | None = None,
) -> Replanned:
    """Plan ``scenario`` (the week after ``events``; ``before`` is the week they happened to,
    which says what they were) again from ``now``, keeping what ``old`` has under way and
    pinned."""
    options = options or Options()
    kept = kept_parties(old, now, pins)
    _can_keep(scenario, old, kept)
    rest = rest_of_week(scenario, old, kept, now)
    late: set[str] = set()
    for _ in range(EARLY_TRIES):
        new = _solve(rest, old, kept, now, options, progress, stop)
        # A way onto a first service timed just in time may leave before ``now`` on its first
        # day, and an escort's way out by road: those who would, leave a day later (rare; the
        # plan made then may send off another early).
        early = _in_the_past(new, now)
        if not early or early <= late:
            break
        late |= early
        rest = _a_day_later(rest, early, now)
    merged = _merge(scenario, old, kept, new, rest, now)
    merged = _reasons_name_events(before or scenario, old, kept, merged, events)
    changes = _changes(before or scenario, old, merged, kept, events)
    return Replanned(merged, changes, kept)


# -- what the re-plan must keep ------------------------------------------------------------------


def _can_keep(scenario: Scenario, old: Plan, kept: dict[str, Why]) -> None:
    """Refuse to keep a party the events have made impossible: the officer must decide."""
    problems = []
    duties = defaultdict(list)
    for duty in old.escort_duties:
        duties[duty.party_id].append(duty)
    for party_id, why in kept.items():
        party = old.party(party_id)
        for case_id in party.case_ids:
            if not scenario.has_case(case_id):
                problems.append(f"{party_id} is {why} with case {case_id}, which is withdrawn")
        legs = [*party.legs, *(leg for d in duties[party_id] for leg in (*d.outbound_legs, *d.return_legs))]
        for leg in legs:
            if leg.service_id is not None and not scenario.has_service(leg.service_id):
                problems.append(f"{party_id} is {why} on service {leg.service_id}, which is cancelled")
            if leg.service_id is None and scenario.find_link(leg.from_id, leg.to_id, leg.mode) is None:
                problems.append(f"{party_id} is {why} on the road {leg.from_id}>{leg.to_id}, which is closed")
        for duty in duties[party_id]:
            if not scenario.has_escort(duty.escort_id):
                problems.append(
                    f"{party_id} is {why} with escort {duty.escort_id}, who is no longer available"
                )
                continue
            escort = scenario.escort(duty.escort_id)
            base = scenario.location(escort.base_id)
            first, last = base.local_date(duty.start), base.local_date(duty.end)
            if first < escort.available_from or last > escort.available_to:
                problems.append(
                    f"{party_id} is {why} with escort {duty.escort_id} from {first} to {last}, "
                    f"but {duty.escort_id} is now available only from {escort.available_from} "
                    f"to {escort.available_to}"
                )
    aboard: Counter[str] = Counter()
    for party_id in kept:
        party = old.party(party_id)
        for leg in party.legs:
            if leg.service_id is not None:
                aboard[leg.service_id] += len(party.case_ids) + len(party.escort_ids)
        for duty in duties[party_id]:
            for leg in (*duty.outbound_legs, *duty.return_legs):
                if leg.service_id is not None:
                    aboard[leg.service_id] += 1
    for service_id, count in sorted(aboard.items()):
        if scenario.has_service(service_id) and scenario.service(service_id).seats < count:
            seats = scenario.service(service_id).seats
            problems.append(
                f"{service_id} has {seats} seats, fewer than the {count} travellers of parties kept "
                "(under way or pinned) booked on it"
            )
    if problems:
        raise ReplanError(
            "; ".join(problems) + ". Unpin the party (or plan that journey by hand) and re-plan again"
        )


def rest_of_week(scenario: Scenario, old: Plan, kept: dict[str, Why], now: datetime) -> Scenario:
    """What the kept parties leave of the week, with the others' bookings: the scenario the
    re-plan solves."""
    kept_cases = {c for p in old.parties if p.party_id in kept for c in p.case_ids}
    riders: Counter[str] = Counter()
    for party in old.parties:
        if party.party_id in kept:
            for leg in party.legs:
                if leg.service_id is not None:
                    riders[leg.service_id] += len(party.case_ids) + len(party.escort_ids)
    kept_duties = [d for d in old.escort_duties if d.party_id in kept]
    for duty in kept_duties:
        for leg in (*duty.outbound_legs, *duty.return_legs):
            if leg.service_id is not None:
                riders[leg.service_id] += 1
    cases = tuple(
        replace(case, ready=max(case.ready, scenario.location(case.location_id).local_date(now)))
        for case in scenario.cases
        if case.case_id not in kept_cases
    )
    services = tuple(
        replace(service, seats=max(0, service.seats - riders[service.service_id]))
        for service in scenario.services
        if service.depart >= now
    )
    escorts = tuple(
        e for e in (_free(scenario, e, kept_duties, now) for e in scenario.escorts) if e is not None
    )
    spent: Counter[str] = Counter()
    for charge in old.charges:
        if charge.party_id in kept:
            spent[charge.budget_line_id] += charge.amount_idr
    lines = tuple(
        replace(line, ceiling_idr=max(0, line.ceiling_idr - spent[line.budget_line_id]))
        for line in scenario.budget_lines
    )
    bookings = _bookings(scenario, old, kept, {c.case_id for c in cases}, {e.escort_id for e in escorts})
    return replace(
        scenario, cases=cases, services=services, escorts=escorts, budget_lines=lines, bookings=bookings
    )


def _free(scenario: Scenario, escort: Escort, kept: Sequence[EscortDuty], now: datetime) -> Escort | None:
    """The escort as the re-plan may use it: from the day of ``now``, and after its kept
    duties (or, when none is left after them, before them)."""
    base = scenario.location(escort.base_id)
    first, last = max(escort.available_from, base.local_date(now)), escort.available_to
    mine = [d for d in kept if d.escort_id == escort.escort_id]
    if mine:
        busy_from = min(base.local_date(d.start) for d in mine)
        busy_to = max(base.local_date(d.end) for d in mine)
        if busy_to + timedelta(days=1) <= last:
            first = max(first, busy_to + timedelta(days=1))
        else:
            last = min(last, busy_from - timedelta(days=1))
    if first > last:
        return None
    return replace(escort, available_from=first, available_to=last)


def _bookings(
    scenario: Scenario, old: Plan, kept: dict[str, Why], cases: set[str], escorts: set[str]
) -> Bookings:
    parties = {p.party_id: p for p in old.parties if p.party_id not in kept}
    booked_cases = {c: _keys(p.legs) for p in parties.values() for c in p.case_ids if c in cases}
    duties = frozenset(
        (d.escort_id, _keys(parties[d.party_id].legs), _keys(d.outbound_legs), _keys(d.return_legs))
        for d in old.escort_duties
        if d.party_id in parties and d.escort_id in escorts
    )
    return Bookings(scenario.settings.costs.change_idr_per_person, booked_cases, duties)


def _keys(legs: Iterable[Leg]) -> Legs:
    return tuple(leg.key for leg in legs)


# -- solving -------------------------------------------------------------------------------------


def _solve(
    rest: Scenario,
    old: Plan,
    kept: dict[str, Why],
    now: datetime,
    options: Options,
    progress: ProgressFn | None,
    stop: threading.Event | None,
) -> Plan:
    optimizer = ColumnOptimizer(rest, booked=_still_possible(rest, old, kept, now))
    return optimizer.plan(options, progress, stop)


def _still_possible(rest: Scenario, old: Plan, kept: dict[str, Why], now: datetime) -> Plan:
    """The earlier plan's parties that may move and could still travel as booked: the master
    starts with them, so that keeping a booking is a choice."""
    parties = []
    for party in old.parties:
        if party.party_id in kept or not all(rest.has_case(c) for c in party.case_ids):
            continue
        if party.legs[0].depart < now:
            continue
        if any(leg.service_id is not None and not rest.has_service(leg.service_id) for leg in party.legs):
            continue
        if any(
            leg.service_id is None and rest.find_link(leg.from_id, leg.to_id, leg.mode) is None
            for leg in party.legs
        ):
            continue
        parties.append(replace(party, escort_ids=tuple(e for e in party.escort_ids if rest.has_escort(e))))
    names = {p.party_id for p in parties}
    duties = tuple(
        d
        for d in old.escort_duties
        if d.party_id in names
        and rest.has_escort(d.escort_id)
        and all(
            leg.service_id is None or rest.has_service(leg.service_id)
            for leg in (*d.outbound_legs, *d.return_legs)
        )
    )
    return replace(old, parties=tuple(parties), escort_duties=duties, charges=(), unplanned=())


def _in_the_past(plan: Plan, now: datetime) -> set[str]:
    """Cases and escorts the plan would send off before ``now``."""
    early = {c for p in plan.parties if p.legs[0].depart < now for c in p.case_ids}
    early |= {d.escort_id for d in plan.escort_duties if d.start < now}
    return early


def _a_day_later(rest: Scenario, who: set[str], now: datetime) -> Scenario:
    cases = tuple(
        replace(c, ready=max(c.ready, rest.location(c.location_id).local_date(now) + timedelta(days=1)))
        if c.case_id in who
        else c
        for c in rest.cases
    )
    escorts = []
    for e in rest.escorts:
        if e.escort_id in who:
            first = max(e.available_from, rest.location(e.base_id).local_date(now) + timedelta(days=1))
            if first > e.available_to:
                continue
            e = replace(e, available_from=first)
        escorts.append(e)
    return replace(rest, cases=cases, escorts=tuple(escorts))


# -- the whole week's plan ----------------------------------------------------------------------


def _merge(
    scenario: Scenario, old: Plan, kept: dict[str, Why], new: Plan, rest: Scenario, now: datetime
) -> Plan:
    """The kept parties and the new ones as one plan of ``scenario``, priced as the contract
    says, with the change costs and a bound of the week given what was kept."""
    old_duties = [d for d in old.escort_duties if d.party_id in kept]
    # A party that travels as booked keeps its id; every other new party gets one the earlier
    # plan never used, so that the officer never reads one id for two parties.
    same = {(frozenset(p.case_ids), _keys(p.legs)): p.party_id for p in old.parties if p.party_id not in kept}
    taken = {p.party_id for p in old.parties}
    renamed: dict[str, str] = {}
    number = len(old.parties)
    for party in new.parties:
        found = same.get((frozenset(party.case_ids), _keys(party.legs)))
        if found is None:
            number += 1
            while f"P{number}" in taken:
                number += 1
            found = f"P{number}"
        renamed[party.party_id] = found
        taken.add(found)
    parties = [p for p in old.parties if p.party_id in kept]
    choices = [_choice(p, old_duties) for p in parties]
    choices += [_choice(p, new.escort_duties) for p in new.parties]
    ids = [p.party_id for p in parties] + [renamed[p.party_id] for p in new.parties]
    # The week's lines pay for the week's parties anew: a party that stayed may have shared a
    # hired vehicle with one that moved, and now pays all of it.
    try:
        charges = allocate(scenario, choices, ids)
    except NoCharging:
        raise ReplanError(
            "the budget lines cannot pay for the parties kept and the new ones together; "
            "raise a ceiling or unpin a party and re-plan again"
        ) from None
    plan = build_plan(scenario, choices, charges, new.unplanned, new.status, new.solve_seconds, party_ids=ids)
    change = _change_idr(scenario, old, kept, plan)
    pinned = {p for p, why in kept.items() if why == "pinned"}
    plan = replace(plan, parties=tuple(replace(p, pinned=p.party_id in pinned) for p in plan.parties))
    objective = plan.objective
    total = objective.total_idr + change
    # The new plan's bound is of the rest of the week (its change costs included); what the
    # kept parties add is the same whatever the rest does, but for vehicles they may share.
    bound = 0
    if new.objective.bound_scope is not None and new.objective.lower_bound_idr > 0:
        rest_total = new.objective.total_idr + _change_idr(rest, old, kept, new)
        sharing = sum(_vehicle_costs(scenario, parties, now))
        bound = min(total, new.objective.lower_bound_idr + (total - rest_total) - sharing)
    gap = 0.0 if total == 0 else max(0.0, (total - bound) / total)
    status = new.status
    if status == "optimal" and bound < total:
        status = "feasible"
    return replace(
        plan,
        status=status,
        objective=replace(
            objective,
            total_idr=total,
            change_idr=change,
            lower_bound_idr=max(0, bound),
            gap=gap,
            bound_scope=new.objective.bound_scope,
        ),
    )


def _choice(party: Party, duties: Iterable[EscortDuty]) -> PartyChoice:
    trips = tuple(
        EscortTrip(
            d.escort_id,
            Itinerary(tuple(_bare(leg) for leg in d.outbound_legs)) if d.outbound_legs else None,
            Itinerary(tuple(_bare(leg) for leg in d.return_legs)) if d.return_legs else None,
        )
        for d in duties
        if d.party_id == party.party_id
    )
    return PartyChoice(party.case_ids, Itinerary(tuple(_bare(leg) for leg in party.legs)), trips)


def _bare(leg: Leg) -> Leg:
    return replace(leg, travellers=0, cost_idr=0)


def _vehicle_costs(scenario: Scenario, parties: Iterable[Party], now: datetime) -> Iterable[int]:
    """What the kept parties' hired vehicles leaving from ``now`` on cost: at most what new
    parties save by riding them."""
    for party in parties:
        for leg in party.legs:
            if leg.service_id is None and leg.depart >= now:
                link = scenario.find_link(leg.from_id, leg.to_id, leg.mode)
                if link is not None and link.vehicle_cost_idr:
                    riders = len(party.case_ids) + len(party.escort_ids)
                    yield link.vehicle_cost_idr * link.vehicles_for(riders)


def _change_idr(scenario: Scenario, old: Plan, kept: dict[str, Why], new: Plan) -> int:
    """Travellers of ``old`` (not kept) whose booking ``new`` changes or cancels, times the
    change cost."""
    return scenario.settings.costs.change_idr_per_person * len(_changed(old, kept, new))


def _changed(old: Plan, kept: dict[str, Why], new: Plan) -> list[tuple[str, str]]:
    legs_now = {c: _keys(p.legs) for p in new.parties for c in p.case_ids}
    party_legs = {p.party_id: _keys(p.legs) for p in new.parties}
    duties_now = {
        (d.escort_id, party_legs[d.party_id], _keys(d.outbound_legs), _keys(d.return_legs))
        for d in new.escort_duties
    }
    found = []
    old_legs = {p.party_id: _keys(p.legs) for p in old.parties}
    for party in old.parties:
        if party.party_id in kept:
            continue
        for case_id in party.case_ids:
            if legs_now.get(case_id) != old_legs[party.party_id]:
                found.append(("case", case_id))
    for duty in old.escort_duties:
        if duty.party_id in kept:
            continue
        key = (duty.escort_id, old_legs[duty.party_id], _keys(duty.outbound_legs), _keys(duty.return_legs))
        if key not in duties_now:
            found.append(("escort", f"{duty.escort_id}/{duty.party_id}"))
    return found


# -- what changed, and why ------------------------------------------------------------------------


def _reasons_name_events(
    scenario: Scenario, old: Plan, kept: dict[str, Why], plan: Plan, events: Sequence[Event]
) -> Plan:
    """Who was booked and now waits is told which event undid the booking, before why no
    other way was found."""
    booked = {c: p for p in old.parties if p.party_id not in kept for c in p.case_ids}
    unplanned = []
    for item in plan.unplanned:
        party = booked.get(item.case_id)
        if party is not None and events:
            cause = _cause(scenario, party, item.case_id, events)
            if cause != _FREED:
                item = replace(item, detail=f"{cause}; {item.detail}" if item.detail else cause)
        unplanned.append(item)
    return replace(plan, unplanned=tuple(unplanned))


def _changes(
    scenario: Scenario, old: Plan, new: Plan, kept: dict[str, Why], events: Sequence[Event]
) -> tuple[Change, ...]:
    new_party = {c: p for p in new.parties for c in p.case_ids}
    old_party = {c: p for p in old.parties for c in p.case_ids}
    found: list[Change] = []
    for party in old.parties:
        if party.party_id in kept:
            continue
        for case_id in party.case_ids:
            now_in = new_party.get(case_id)
            if now_in is not None and _keys(now_in.legs) == _keys(party.legs):
                continue
            reason = _cause(scenario, party, case_id, events)
            found.append(
                Change(
                    case_id,
                    "case",
                    party.party_id,
                    now_in.party_id if now_in else None,
                    party.legs,
                    now_in.legs if now_in else (),
                    reason,
                )
            )
    for party in new.parties:
        for case_id in party.case_ids:
            if case_id not in old_party:
                found.append(Change(case_id, "case", None, party.party_id, (), party.legs, "newly planned"))
    new_duties = {
        (d.escort_id, _keys(new.party(d.party_id).legs), _keys(d.outbound_legs), _keys(d.return_legs)): d
        for d in new.escort_duties
    }
    old_duties = set()
    for duty in old.escort_duties:
        if duty.party_id in kept:
            continue
        party = old.party(duty.party_id)
        key = (duty.escort_id, _keys(party.legs), _keys(duty.outbound_legs), _keys(duty.return_legs))
        old_duties.add(key)
        if key in new_duties:
            continue
        after = [d for d in new.escort_duties if d.escort_id == duty.escort_id and d.start >= duty.start]
        instead = after[0] if after else None
        found.append(
            Change(
                duty.escort_id,
                "escort",
                duty.party_id,
                instead.party_id if instead else None,
                _duty_legs(duty, party),
                _duty_legs(instead, new.party(instead.party_id)) if instead else (),
                _cause(scenario, party, None, events),
            )
        )
    for key, duty in new_duties.items():
        if key not in old_duties and duty.party_id not in kept:
            if any(
                c.kind == "escort" and c.traveller_id == duty.escort_id and c.new_party == duty.party_id
                for c in found
            ):
                continue
            found.append(
                Change(
                    duty.escort_id,
                    "escort",
                    None,
                    duty.party_id,
                    (),
                    _duty_legs(duty, new.party(duty.party_id)),
                    "newly assigned",
                )
            )
    return tuple(found)


def _duty_legs(duty: EscortDuty, party: Party) -> tuple[Leg, ...]:
    return (*duty.outbound_legs, *party.legs, *duty.return_legs)


def _cause(scenario: Scenario, party: Party, case_id: str | None, events: Sequence[Event]) -> str:
    """The event that forced a traveller's change, or the better use of what was freed."""
    services = {leg.service_id for leg in party.legs if leg.service_id is not None}
    roads = {(leg.from_id, leg.to_id, leg.mode) for leg in party.legs if leg.service_id is None}
    for event in events:
        hit = False
        if isinstance(event, CancelService | Seats):
            hit = event.service_id in services
        elif isinstance(event, EscortUnavailable):
            hit = event.escort_id in party.escort_ids
        elif isinstance(event, NotReady | Withdraw):
            hit = event.case_id in party.case_ids if case_id is None else event.case_id == case_id
        elif isinstance(event, CloseLink):
            hit = any(
                (f, t) == (event.from_id, event.to_id) and (event.mode is None or m == event.mode)
                for f, t, m in roads
            )
        if hit:
            return event.describe(scenario)
    return _FREED if events else "re-planned"


def seats_to_rebook(changes: Sequence[Change]) -> list[tuple[Leg, int, int]]:
    """Per departure of a service: seats to cancel and seats to buy."""
    cancel: Counter[tuple[object, ...]] = Counter()
    buy: Counter[tuple[object, ...]] = Counter()
    legs: dict[tuple[object, ...], Leg] = {}
    for change in changes:
        for leg in change.old_legs:
            if leg.service_id is not None:
                cancel[leg.key] += 1
                legs[leg.key] = leg
        for leg in change.new_legs:
            if leg.service_id is not None:
                buy[leg.key] += 1
                legs[leg.key] = leg
    rows = []
    for key, leg in sorted(legs.items(), key=lambda item: (item[1].depart, str(item[1].service_id))):
        if cancel[key] != buy[key]:
            rows.append((leg, max(0, cancel[key] - buy[key]), max(0, buy[key] - cancel[key])))
    return rows
