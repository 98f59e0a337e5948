"""schemathesis against the service's own OpenAPI schema, authenticated, on the
running service: no server errors, every answer documented and matching its schema
(conventions-service.md §3). Bounded by the hypothesis settings profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dudao.examples import example_path
from dudao.server.app import create_app
from dudao.server.settings import Settings
from dudao.server.submissions import import_dataset

pytestmark = pytest.mark.regional

# The schema does not depend on the data: take it from an app that is never started.
schema = schemathesis.openapi.from_dict(
    create_app(Settings(data=Path("unused"), secret="unused")).openapi()
)


@pytest.fixture(scope="module")
def service_with_data(live_sqlite: Any) -> Any:
    import_dataset(live_sqlite.service, example_path("nanning"))  # analysis has data
    return live_sqlite


@schema.parametrize()
def test_the_api_keeps_its_schema(case: Any, service_with_data: Any) -> None:
    live = service_with_data
    token = live.token("gx-admin")
    # Every check but "a schema-valid request is accepted": JSON Schema cannot state the
    # bounds of a date (format: date has no maximum, so 2200-01-01 looks valid) nor which
    # Unicode spaces may not surround a case id, and the service answers those with a
    # located 422, as it should. Server errors and response conformance stay checked.
    case.call_and_validate(
        base_url=live.url,
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance],
    )
