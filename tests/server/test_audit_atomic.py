"""A case step and its audit row commit together (issue 14, item 3).

The audit row is written inside the case store's transaction (``within``): if
writing it fails — the process dies between the two, the database refuses the row —
the step is not recorded either, so audit rows = writes always. Before, the store
committed the step first and the audit row followed in a second transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from dudao.plugins.manager import PluginSet
from dudao.server import accounts as acc
from dudao.server import audit, casework
from dudao.server.service import Service
from dudao.server.settings import Settings
from dudao.store.schema import events_table


@pytest.fixture()
def service(tmp_path: Path, plugins: PluginSet) -> Iterator[Service]:
    svc = Service(Settings(data=tmp_path / "data", secret="s", plugins=plugins, cheap_hashing=True))
    yield svc
    svc.close()


def _staff(service: Service) -> acc.Account:
    with service.begin() as conn:
        return acc.create_account(
            conn,
            username="nn-staff",
            password="pw-123456789",
            unit="450100",
            roles=("staff",),
            hierarchy=service.hierarchy,
            password_hasher=service.password_hasher,
        )


def _counts(service: Service) -> tuple[int, int]:
    with service.read() as conn:
        events = conn.execute(sa.select(sa.func.count()).select_from(events_table)).scalar_one()
        return int(events), audit.count(conn)


class Crash(Exception):
    pass


def _crash(*_: Any, **__: Any) -> None:
    raise Crash


def test_a_failed_audit_row_takes_the_step_back(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = _staff(service)
    rec = casework.open_case(service, staff, target="450103", date=dt.date(2023, 3, 1))
    assert _counts(service) == (1, 1)

    monkeypatch.setattr(casework, "record", _crash)
    with pytest.raises(Crash):
        casework.advance(
            service,
            staff,
            rec.case_id,
            if_match=casework.etag(rec.state),
            step="feedback",
            date=dt.date(2023, 3, 5),
            payload={"mode": "written"},
        )
    with pytest.raises(Crash):
        casework.open_case(service, staff, target="450102", date=dt.date(2023, 3, 1))
    # neither the step nor the second case was recorded: still one event, one audit row
    assert _counts(service) == (1, 1)
    assert service.store.case(rec.case_id).state.count == 1

    monkeypatch.undo()
    done = casework.advance(
        service,
        staff,
        rec.case_id,
        if_match=casework.etag(rec.state),
        step="feedback",
        date=dt.date(2023, 3, 5),
        payload={"mode": "written"},
    )
    assert done.state.count == 2
    assert _counts(service) == (2, 2)
    with service.read() as conn:
        _, rows = audit.rows(conn, ["450103"])
    assert [(r["action"], r["detail"]["seq"]) for r in rows] == [("advance", 2), ("open", 1)]


@pytest.mark.regional
def test_cases_opened_from_findings_and_their_audit_rows_commit_together(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening cases in bulk from findings: the audit rows are written in the store's
    transaction, so a failed audit row leaves no case behind (before, the cases were
    committed first and the audit rows followed in a second transaction)."""
    from dudao.examples import example_path
    from dudao.server import analysis
    from dudao.server.submissions import import_dataset

    staff = _staff(service)
    import_dataset(service, example_path("nanning"))
    before = _counts(service)
    monkeypatch.setattr(analysis, "record", _crash)
    with pytest.raises(Crash):
        analysis.route_findings(service, staff, "450100", date=dt.date(2023, 3, 1))
    assert _counts(service) == before  # no case, no audit row

    monkeypatch.undo()
    routed = analysis.route_findings(service, staff, "450100", date=dt.date(2023, 3, 1))
    assert len(routed.opened) > 0
    events, audits = _counts(service)
    assert events - before[0] == len(routed.opened) == audits - before[1]
