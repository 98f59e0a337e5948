"""Builders shared by the workflow tests."""

from __future__ import annotations

import datetime as dt

from dudao.workflow import (
    Accountability,
    Event,
    Feedback,
    FeedbackMode,
    Interview,
    Notice,
    Opened,
    RectificationOrdered,
    Reinspected,
    Step,
    SupervisionOrder,
)

ACTOR = "南宁市人民政府教育督导室"
TARGET = "450103"
INVITEES = ("南宁市纪委监委", "市委组织部", "市绩效办")
PARTICIPANTS = ("南宁市纪委监委", "市委组织部")


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ev(step: Step, date: str, payload: object = None, case: str = "C1", **kw: object) -> Event:
    extra = {"payload": payload} if payload is not None else {}
    return Event(case, step, d(date), ACTOR, kw.pop("target", TARGET), **extra, **kw)


def opened(date: str = "2023-03-01", case: str = "C1", **kw: object) -> Event:
    return ev(Step.OPENED, date, Opened(**kw), case=case)


def meeting(date: str, case: str = "C1") -> Event:
    return ev(Step.FEEDBACK, date, Feedback(FeedbackMode.MEETING, INVITEES), case=case)


def ordered(date: str, deadline: str, case: str = "C1") -> Event:
    return ev(Step.RECTIFICATION_ORDERED, date, RectificationOrdered(d(deadline)), case=case)


def reinspected(date: str, passed: bool, case: str = "C1") -> Event:
    return ev(Step.REINSPECTED, date, Reinspected(passed, unannounced=True), case=case)


def supervision(date: str, deadline: str, case: str = "C1") -> Event:
    return ev(
        Step.SUPERVISION_ORDER, date, SupervisionOrder(d(deadline), "青秀区教育局"), case=case
    )


def interview(date: str, deadline: str, case: str = "C1") -> Event:
    return ev(Step.INTERVIEW, date, Interview(d(deadline), PARTICIPANTS), case=case)


def notice(date: str, deadline: str, case: str = "C1") -> Event:
    return ev(Step.NOTICE, date, Notice(d(deadline)), case=case)


def accountability(date: str, published: bool = True, case: str = "C1") -> Event:
    return ev(Step.ACCOUNTABILITY, date, Accountability(["通报批评"], published), case=case)
