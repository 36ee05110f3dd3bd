"""The executor of every run: Dagster's in-process executor on one machine, or Dagster's Celery
executor when `FESTIVAL_EXECUTOR=celery` (steps on Celery workers, which share nothing with the
run's process but the instance, the databases and the stores), each with its run worker watched
(`run_workers.RunWorkerWatch`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from dagster import Executor, ExecutorDefinition, InitExecutorContext, in_process_executor

from festival_assets.deployment.run_workers import RunWorkerWatch

if TYPE_CHECKING:
    from dagster._core.events import DagsterEvent
    from dagster._core.execution.context.system import PlanOrchestrationContext
    from dagster._core.execution.plan.plan import ExecutionPlan
    from dagster._core.execution.retries import RetryMode
    from dagster._core.execution.step_dependency_config import StepDependencyConfig

EXECUTOR_SETTING = "FESTIVAL_EXECUTOR"
CELERY_BROKER_SETTING = "FESTIVAL_CELERY_BROKER_URL"
CELERY_BACKEND_SETTING = "FESTIVAL_CELERY_BACKEND_URL"


class WatchedExecutor(Executor):
    """Another executor's orchestration, with the run's lease held and dead runs looked for
    while it lasts."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor

    @property
    def retries(self) -> RetryMode:
        return self.executor.retries

    @property
    def step_dependency_config(self) -> StepDependencyConfig:
        return self.executor.step_dependency_config

    def __getattr__(self, name: str) -> object:
        # What an executor's own execution loop asks of it (Celery's: its app's arguments).
        return getattr(self.executor, name)

    def execute(
        self, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan
    ) -> Iterator[DagsterEvent]:
        with RunWorkerWatch(plan_context.instance, plan_context.run_id, plan_context.log.info):
            yield from self.executor.execute(plan_context, execution_plan)


def watched(executor_def: ExecutorDefinition) -> ExecutorDefinition:
    """`executor_def`, its run workers watched; same name, configuration and requirements."""

    def create(init_context: InitExecutorContext) -> Executor:
        return WatchedExecutor(executor_def.executor_creation_fn(init_context))  # type: ignore[misc]

    return ExecutorDefinition(
        name=executor_def.name,
        config_schema=executor_def.config_schema,
        requirements=executor_def.get_requirements,
        executor_creation_fn=create,
        description=executor_def.description,
    )


def project_executor() -> ExecutorDefinition:
    """The executor `FESTIVAL_EXECUTOR` names: `in_process` (the default: the steps form a
    chain and hand the ceremony on from one to the next, so one process for the run saves each
    step the start-up of a process of its own) or `celery`, whose broker and result backend
    come from `FESTIVAL_CELERY_BROKER_URL` and `FESTIVAL_CELERY_BACKEND_URL`."""
    choice = (os.environ.get(EXECUTOR_SETTING) or "in_process").strip()
    if choice == "in_process":
        return watched(in_process_executor)
    if choice == "celery":
        # Needs the `celery` extra; imported only where it is chosen.
        from dagster_celery import celery_executor

        return watched(
            celery_executor.configured(
                {
                    "broker": {"env": CELERY_BROKER_SETTING},
                    "backend": {"env": CELERY_BACKEND_SETTING},
                },
                name="celery",
            )
        )
    raise ValueError(f"{EXECUTOR_SETTING} must be in_process or celery, not {choice!r}")
