"""plan.json, the contract's plan format: ``Plan`` to JSON and back.

Reading is strict about shape (a plan from an outside tool must be checkable, so wrong types
are named with their JSON path) but leaves every rule of the contract to ``check.py``.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from planner.errors import PlanFormatError, Problem
from planner.plan import (
    BOUND_SCOPES,
    REASONS,
    STATUSES,
    Charge,
    EscortDuty,
    Leg,
    Objective,
    Party,
    Plan,
    Unplanned,
)
from planner.scenario import COST_TYPES, MODES


def _dt(moment: datetime) -> str:
    return moment.isoformat(timespec="minutes")


def _leg(leg: Leg) -> dict[str, Any]:
    return {
        "service_id": leg.service_id,
        "mode": leg.mode,
        "from_id": leg.from_id,
        "to_id": leg.to_id,
        "depart": _dt(leg.depart),
        "arrive": _dt(leg.arrive),
        "travellers": leg.travellers,
        "cost_idr": leg.cost_idr,
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    o = plan.objective
    return {
        "contract": plan.contract,
        "scenario": plan.scenario,
        "start": _dt(plan.start),
        "horizon_days": plan.horizon_days,
        "status": plan.status,
        "solve_seconds": round(plan.solve_seconds, 3),
        "objective": {
            "total_idr": o.total_idr,
            "cost_idr": o.cost_idr,
            "waiting_idr": o.waiting_idr,
            "shelter_idr": o.shelter_idr,
            "change_idr": o.change_idr,
            "lower_bound_idr": o.lower_bound_idr,
            "gap": round(o.gap, 6),
            **({"bound_scope": o.bound_scope} if o.bound_scope is not None else {}),
        },
        "parties": [
            {
                "party_id": p.party_id,
                "case_ids": list(p.case_ids),
                "escort_ids": list(p.escort_ids),
                "legs": [_leg(leg) for leg in p.legs],
                **({"pinned": True} if p.pinned else {}),
            }
            for p in plan.parties
        ],
        "escort_duties": [
            {
                "escort_id": d.escort_id,
                "party_id": d.party_id,
                "start": _dt(d.start),
                "end": _dt(d.end),
                "outbound_legs": [_leg(leg) for leg in d.outbound_legs],
                "return_legs": [_leg(leg) for leg in d.return_legs],
                "days": d.days,
                "cost_idr": d.cost_idr,
            }
            for d in plan.escort_duties
        ],
        "charges": [
            {
                "budget_line_id": c.budget_line_id,
                "cost_type": c.cost_type,
                "party_id": c.party_id,
                "case_id": c.case_id,
                "escort_id": c.escort_id,
                "amount_idr": c.amount_idr,
            }
            for c in plan.charges
        ],
        "unplanned": [{"case_id": u.case_id, "reason": u.reason, "detail": u.detail} for u in plan.unplanned],
    }


def write_plan(plan: Plan, path: Path) -> Path:
    """Write atomically: a reader never sees half a plan."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    tmp.write_text(json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str, fix: str) -> None:
        self.problems.append(Problem(self.file, 0, where, message, fix))

    def field(
        self, obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, optional: bool = False
    ) -> Any:
        if key not in obj or (optional and obj[key] is None):
            if not optional:
                self.fail(f"{where}.{key}", "is missing", f'add "{key}"')
            return None
        value = obj[key]
        if isinstance(value, bool) and kind in (int, float, (int, float)):
            self.fail(f"{where}.{key}", "must be a number, not true/false", "write a number")
            return None
        if not isinstance(value, kind):
            self.fail(
                f"{where}.{key}",
                f"has the wrong type ({type(value).__name__})",
                f"write a {_kind_name(kind)}",
            )
            return None
        return value

    def moment(self, obj: dict[str, Any], key: str, where: str) -> datetime | None:
        text = self.field(obj, key, str, where)
        if text is None:
            return None
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{where}.{key}",
                f"'{text}' is not an ISO 8601 date and time",
                "write e.g. 2026-11-30T19:00+07:00",
            )
            return None
        if value.utcoffset() is None:
            self.fail(f"{where}.{key}", f"'{text}' has no UTC offset", "add +07:00, +08:00 or +09:00")
            return None
        return value

    def choice(
        self, obj: dict[str, Any], key: str, choices: tuple[str, ...], where: str, optional: bool = False
    ) -> Any:
        value = self.field(obj, key, str, where, optional=optional)
        if value is not None and value not in choices:
            self.fail(
                f"{where}.{key}",
                f"'{value}' is not one of {', '.join(choices)}",
                f"use one of {', '.join(choices)}",
            )
            return None
        return value

    def objects(self, obj: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        items = self.field(obj, key, list, where, optional=True) or []
        good = []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.fail(f"{where}.{key}[{index}]", "must be an object", "write {...}")
        return good

    def strings(self, obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        items = self.field(obj, key, list, where) or []
        if not all(isinstance(i, str) for i in items):
            self.fail(f"{where}.{key}", "must be a list of ids", 'write ["C1", "C2"]')
            return ()
        return tuple(items)

    def leg(self, obj: dict[str, Any], where: str) -> Leg | None:
        count = len(self.problems)
        service_id = self.field(obj, "service_id", str, where, optional=True)
        mode = self.choice(obj, "mode", MODES, where)
        from_id = self.field(obj, "from_id", str, where)
        to_id = self.field(obj, "to_id", str, where)
        depart = self.moment(obj, "depart", where)
        arrive = self.moment(obj, "arrive", where)
        travellers = self.field(obj, "travellers", int, where, optional=True) or 0
        cost = self.field(obj, "cost_idr", int, where, optional=True) or 0
        if len(self.problems) > count:
            return None
        assert depart is not None and arrive is not None
        return Leg(service_id, mode, from_id, to_id, depart, arrive, travellers, cost)

    def legs(self, obj: dict[str, Any], key: str, where: str) -> tuple[Leg, ...]:
        found = [
            self.leg(item, f"{where}.{key}[{i}]") for i, item in enumerate(self.objects(obj, key, where))
        ]
        return tuple(leg for leg in found if leg is not None)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "string",
        int: "whole number",
        float: "number",
        list: "list",
        dict: "object",
        bool: "true or false",
    }
    if isinstance(kind, tuple):
        return " or ".join(names.get(k, k.__name__) for k in kind)
    return names.get(kind, kind.__name__)


def plan_from_dict(document: Any, file: str = "plan.json") -> Plan:
    r = _Reader(file)
    if not isinstance(document, dict):
        raise PlanFormatError([Problem(file, 0, "", "must be a JSON object", "write the plan as {...}")])
    contract = r.field(document, "contract", str, "$")
    if contract is not None and not contract.startswith("repat-plan/1"):
        r.fail("$.contract", f"'{contract}' is not a contract this version reads", 'write "repat-plan/1"')
    name = r.field(document, "scenario", str, "$") or ""
    start = r.moment(document, "start", "$")
    horizon = r.field(document, "horizon_days", int, "$")
    status = r.choice(document, "status", STATUSES, "$")
    seconds = r.field(document, "solve_seconds", (int, float), "$", optional=True) or 0.0
    objective_raw = r.field(document, "objective", dict, "$") or {}
    parts = {
        key: r.field(objective_raw, key, int, "$.objective", optional=True) or 0
        for key in ("total_idr", "cost_idr", "waiting_idr", "shelter_idr", "change_idr", "lower_bound_idr")
    }
    gap = r.field(objective_raw, "gap", (int, float), "$.objective", optional=True) or 0.0
    scope = r.choice(objective_raw, "bound_scope", BOUND_SCOPES, "$.objective", optional=True)
    parties = []
    for i, item in enumerate(r.objects(document, "parties", "$")):
        where = f"$.parties[{i}]"
        party_id = r.field(item, "party_id", str, where)
        parties.append(
            Party(
                party_id or "",
                r.strings(item, "case_ids", where),
                r.strings(item, "escort_ids", where),
                r.legs(item, "legs", where),
                pinned=r.field(item, "pinned", bool, where, optional=True) or False,
            )
        )
    duties = []
    for i, item in enumerate(r.objects(document, "escort_duties", "$")):
        where = f"$.escort_duties[{i}]"
        duty_start = r.moment(item, "start", where)
        duty_end = r.moment(item, "end", where)
        duty = EscortDuty(
            escort_id=r.field(item, "escort_id", str, where) or "",
            party_id=r.field(item, "party_id", str, where) or "",
            start=duty_start or datetime.min,
            end=duty_end or datetime.min,
            outbound_legs=r.legs(item, "outbound_legs", where),
            return_legs=r.legs(item, "return_legs", where),
            days=r.field(item, "days", int, where, optional=True) or 0,
            cost_idr=r.field(item, "cost_idr", int, where, optional=True) or 0,
        )
        duties.append(duty)
    charges = []
    for i, item in enumerate(r.objects(document, "charges", "$")):
        where = f"$.charges[{i}]"
        charges.append(
            Charge(
                budget_line_id=r.field(item, "budget_line_id", str, where) or "",
                cost_type=r.choice(item, "cost_type", COST_TYPES, where) or "fare",
                party_id=r.field(item, "party_id", str, where) or "",
                amount_idr=r.field(item, "amount_idr", int, where) or 0,
                case_id=r.field(item, "case_id", str, where, optional=True),
                escort_id=r.field(item, "escort_id", str, where, optional=True),
            )
        )
    unplanned = []
    for i, item in enumerate(r.objects(document, "unplanned", "$")):
        where = f"$.unplanned[{i}]"
        unplanned.append(
            Unplanned(
                case_id=r.field(item, "case_id", str, where) or "",
                reason=r.choice(item, "reason", REASONS, where) or "horizon",
                detail=r.field(item, "detail", str, where, optional=True) or "",
            )
        )
    if r.problems:
        raise PlanFormatError(r.problems)
    assert start is not None and horizon is not None and status is not None
    return Plan(
        scenario=name,
        start=start,
        horizon_days=horizon,
        status=status,
        objective=Objective(gap=float(gap), bound_scope=scope, **parts),
        parties=tuple(parties),
        escort_duties=tuple(duties),
        charges=tuple(charges),
        unplanned=tuple(unplanned),
        solve_seconds=float(seconds),
        contract=contract or "repat-plan/1",
    )


def read_plan(path: Path) -> Plan:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PlanFormatError(
            [Problem(path.name, 0, "", f"cannot be read: {error.strerror}", "check the path")]
        ) from None
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PlanFormatError(
            [
                Problem(
                    path.name, 0, "", "is not UTF-8 text", "give the plan.json that repat or your tool wrote"
                )
            ]
        ) from None
    except json.JSONDecodeError as error:
        raise PlanFormatError(
            [
                Problem(
                    path.name,
                    error.lineno,
                    f"col {error.colno}",
                    f"is not valid JSON: {error.msg}",
                    "fix the JSON syntax",
                )
            ]
        ) from None
    return plan_from_dict(document, path.name)
