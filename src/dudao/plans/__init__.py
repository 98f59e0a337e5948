"""Work plans (工作要点) as machine-checkable targets: :mod:`.model` states them,
:mod:`.status` measures them against a dataset."""

from dudao.plans.model import PlanItem, PlanTask, RecordsTarget, RuleTarget, WorkPlan
from dudao.plans.status import TaskResult, TaskStatus, plan_status

__all__ = [
    "PlanItem",
    "PlanTask",
    "RecordsTarget",
    "RuleTarget",
    "TaskResult",
    "TaskStatus",
    "WorkPlan",
    "plan_status",
]
