"""What the pages show, as typed rows built from a scenario and a plan for one user.

Personal data is decided here, once: a case is named (name and NIK) only for a user whose role
``sees_names`` (``api.auth``), as in the API's case list; everyone else reads the case's id,
sex and age group, and a detail sentence that would name someone is left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from api.auth import Principal
from api.db import StoredPlan
from api.web.words import CATEGORIES, COST_TYPES, MODES, REASONS, WORDS, Lang, long_date, rupiah, word
from planner.io.plan_json import plan_from_dict
from planner.plan import Leg, Plan
from planner.reports.details import detail
from planner.reports.labels import SEXES, age_group, local_time
from planner.scenario import Case, Scenario


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    cases: int


@dataclass(frozen=True, slots=True)
class BudgetRow:
    line: str
    agency: str
    ceiling: str


@dataclass(frozen=True, slots=True)
class WeekSummary:
    name: str
    period: str
    cases: int
    households: int
    need_escort: int
    by_shelter: tuple[Count, ...]
    by_province: tuple[Count, ...]
    by_category: tuple[Count, ...]
    escorts: int
    services: int
    budget_lines: tuple[BudgetRow, ...]
    budget_total: str


def week_summary(scenario: Scenario, lang: Lang) -> WeekSummary:
    cases = scenario.cases
    shelters = Counter(scenario.location(c.location_id).name for c in cases)
    provinces = Counter(scenario.location(c.home_id).province for c in cases)
    categories = Counter(word(CATEGORIES, c.category, lang) for c in cases)
    start = scenario.settings.start
    return WeekSummary(
        name=scenario.name,
        period=WORDS["days"](lang).format(n=scenario.settings.horizon_days, start=long_date(start, lang)),
        cases=len(cases),
        households=len(scenario.households),
        need_escort=sum(c.needs_escort for c in cases),
        by_shelter=_counts(shelters),
        by_province=_counts(provinces),
        by_category=_counts(categories),
        escorts=len(scenario.escorts),
        services=len(scenario.services),
        budget_lines=tuple(BudgetRow(b.name, b.agency, rupiah(b.ceiling_idr)) for b in scenario.budget_lines),
        budget_total=rupiah(sum(b.ceiling_idr for b in scenario.budget_lines)),
    )


def _counts(counter: Counter[str]) -> tuple[Count, ...]:
    return tuple(Count(label, n) for label, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass(frozen=True, slots=True)
class LegRow:
    mode: str
    route: str
    depart: str
    arrive: str


@dataclass(frozen=True, slots=True)
class PartyRow:
    party_id: str
    people: tuple[str, ...]
    legs: tuple[LegRow, ...]
    escorts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WaitingRow:
    person: str
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class MoneyRow:
    line: str
    agency: str
    ceiling: str
    charged: str
    left: str


@dataclass(frozen=True, slots=True)
class PlanView:
    parties: tuple[PartyRow, ...]
    waiting: tuple[WaitingRow, ...]
    money: tuple[MoneyRow, ...]
    charged_total: str
    total: str
    cost: str
    planned: int
    gap: str


def plan_view(scenario: Scenario, plan: Plan, who: Principal, lang: Lang) -> PlanView:
    names = who.sees_names
    private = _private_words(scenario)

    def leg_row(leg: Leg) -> LegRow:
        start, end = scenario.location(leg.from_id), scenario.location(leg.to_id)
        return LegRow(
            mode=word(MODES, leg.mode, lang),
            route=f"{start.name} - {end.name}",
            depart=local_time(leg.depart, start, lang),
            arrive=local_time(leg.arrive, end, lang),
        )

    def escort_label(escort_id: str) -> str:
        escort = scenario.escort(escort_id)
        return f"{escort_id} {escort.name}" if names and escort.name else escort_id

    parties = tuple(
        PartyRow(
            party_id=party.party_id,
            people=tuple(person(scenario.case(c), names, lang) for c in party.case_ids),
            legs=tuple(leg_row(leg) for leg in party.legs),
            escorts=tuple(escort_label(e) for e in party.escort_ids),
        )
        for party in plan.parties
    )
    waiting = tuple(
        WaitingRow(
            person=person(scenario.case(u.case_id), names, lang),
            reason=word(REASONS, u.reason, lang),
            detail=_said(detail(u.detail, lang), names, private),
        )
        for u in plan.unplanned
    )
    charged: dict[str, int] = defaultdict(int)
    for charge in plan.charges:
        charged[charge.budget_line_id] += charge.amount_idr
    money = tuple(
        MoneyRow(
            line=b.name,
            agency=b.agency,
            ceiling=rupiah(b.ceiling_idr),
            charged=rupiah(charged[b.budget_line_id]),
            left=rupiah(b.ceiling_idr - charged[b.budget_line_id]),
        )
        for b in scenario.budget_lines
    )
    return PlanView(
        parties=parties,
        waiting=waiting,
        money=money,
        charged_total=rupiah(sum(charged.values())),
        total=rupiah(plan.objective.total_idr),
        cost=rupiah(plan.objective.cost_idr),
        planned=len(plan.planned_case_ids),
        gap=percent(plan.objective.gap, lang),
    )


def person(case: Case, names: bool, lang: Lang) -> str:
    """``C-001 Lalu Ahmad Fauzi, NIK 52031...`` for officers; ``C-001 (L, dewasa)`` for others."""
    if names and case.name:
        nik = f", NIK {case.national_id}" if case.national_id else ""
        return f"{case.case_id} {case.name}{nik}"
    return f"{case.case_id} ({word(SEXES, case.sex, lang)}, {age_group(case.age, lang)})"


def _private_words(scenario: Scenario) -> set[str]:
    words = {c.name for c in scenario.cases if c.name} | {
        c.national_id for c in scenario.cases if c.national_id
    }
    return words | {e.name for e in scenario.escorts if e.name}


def _said(sentence: str, names: bool, private: set[str]) -> str:
    if names or not any(p in sentence for p in private):
        return sentence
    return "-"


def percent(share: float, lang: Lang) -> str:
    """``8,8%`` in Indonesian, ``8.8%`` in English."""
    return decimal(share * 100, lang) + "%"


def decimal(value: float, lang: Lang) -> str:
    """One decimal: ``12,5`` in Indonesian, ``12.5`` in English."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if lang == "id" else text


@dataclass(frozen=True, slots=True)
class VersionRow:
    plan_id: int
    version: int
    status: str
    total: str
    planned: int
    money: str
    waiting: int
    created: str


def version_row(row: StoredPlan, lang: Lang) -> VersionRow:
    plan = plan_from_dict(row.plan_json)
    status = WORDS.get(f"status_{row.status}")
    return VersionRow(
        plan_id=row.plan_id,
        version=row.version,
        status=status(lang) if status else row.status,
        total=rupiah(row.total_idr),
        planned=len(plan.planned_case_ids),
        money=rupiah(plan.objective.cost_idr),
        waiting=len(plan.unplanned),
        created=long_date(row.created, lang),
    )


def cost_type(key: str, lang: Lang) -> str:
    return word(COST_TYPES, key, lang)
