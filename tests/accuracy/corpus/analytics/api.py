"""FastAPI routes for dashboards and scheduled reports."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Optional

from fastapi import APIRouter, Depends, HTTPException
from sqlmodel import Session, col, select

from analytics.db import get_session
from analytics.models import Dashboard, DashboardCreate, DashboardRead, ReportFormat, ScheduledReport, Widget
from app.models import User
from app.services.auth_deps import current_user

router = APIRouter(prefix="/analytics")
SessionDep = Annotated[Session, Depends(get_session)]
CurrentUser = Annotated[User, Depends(current_user)]


@router.post("/orgs/{org_id}/dashboards", response_model=DashboardRead)
def create_dashboard(org_id: int, payload: DashboardCreate, session: SessionDep, user: CurrentUser):
    dashboard = Dashboard(title=payload.title, is_shared=payload.is_shared, organization_id=org_id, created_by=user.id)
    for i, kind in enumerate(payload.widget_kinds):
        dashboard.widgets.append(Widget(kind=kind, position=i))
    session.add(dashboard)
    session.commit()
    session.refresh(dashboard)
    read = DashboardRead(id=dashboard.id, title=dashboard.title, is_shared=dashboard.is_shared, widget_count=len(dashboard.widgets))
    read.owner_name = user.full_name
    return read


@router.get("/dashboards/{dashboard_id}")
def get_dashboard(dashboard_id: int, session: SessionDep, user: CurrentUser):
    dashboard = session.get(Dashboard, dashboard_id)
    if dashboard is None:
        raise HTTPException(404)
    if dashboard.created_by != user.id and not dashboard.is_shared:
        raise HTTPException(403)
    return {"title": dashboard.title, "widgets": [w.kind for w in sorted(dashboard.widgets, key=lambda w: w.position)], "owner": user.username}


@router.patch("/dashboards/{dashboard_id}")
def touch_dashboard(dashboard_id: int, session: SessionDep):
    dashboard = session.get(Dashboard, dashboard_id)
    if dashboard is None:
        raise HTTPException(404)
    dashboard.updated_at = datetime.utcnow()
    session.add(dashboard)
    session.commit()
    return {"ok": True}


@router.get("/dashboards")
def list_dashboards(org_id: int, session: SessionDep):
    rows = session.exec(select(Dashboard).where(Dashboard.organization_id == org_id).order_by(Dashboard.title)).all()
    return [{"id": d.id, "title": d.title, "shared": d.is_shared} for d in rows]


@router.get("/dashboards/by-owner/{owner_id}")
def dashboards_by_owner(owner_id: int, session: SessionDep):
    rows = session.exec(select(Dashboard).where(Dashboard.owner_id == owner_id)).all()
    return [d.title for d in rows]


@router.post("/dashboards/{dashboard_id}/widgets")
def add_widget(dashboard_id: int, kind: str, session: SessionDep):
    widget = Widget(dashboard_id=dashboard_id, type=kind, position=99)
    session.add(widget)
    session.commit()
    return {"id": widget.id}


@router.put("/widgets/{widget_id}/kind")
def set_widget_kind(widget_id: int, kind: str, session: SessionDep):
    widget = session.get(Widget, widget_id)
    if widget is None:
        raise HTTPException(404)
    widget.kind = "stacked_area_timeseries_with_forecast" if kind == "forecast" else kind
    session.commit()
    return {"kind": widget.kind}


@router.post("/reports")
def schedule_report(name: str, cron: str, fmt: ReportFormat, session: SessionDep, user: CurrentUser):
    report = ScheduledReport(name=name, cron=cron, format=fmt, owner_id=user.id, recipients=user.email)
    session.add(report)
    session.commit()
    return {"id": report.id, "mime": report.format.mime_type}


@router.get("/reports/{report_id}/download")
def download(report_id: int, session: SessionDep):
    report = session.get(ScheduledReport, report_id)
    if report is None:
        raise HTTPException(404)
    match report.format:
        case ReportFormat.JSON:
            ext = "json"
        case ReportFormat.PDF:
            ext = "pdf"
        case ReportFormat.CSV | ReportFormat.XLSX:
            ext = report.format.value
    return {"filename": f"{report.name}.{ext}"}


@router.delete("/reports/{report_id}/schedule")
def unschedule(report_id: int, session: SessionDep):
    report = session.get(ScheduledReport, report_id)
    if report is None:
        raise HTTPException(404)
    report.cron = None
    report.last_error = None
    session.commit()
    return {"ok": True}


@router.get("/reports/failing")
def failing_reports(session: SessionDep):
    rows = session.exec(select(ScheduledReport).where(col(ScheduledReport.last_error).is_not(None))).all()
    return [{"name": r.name, "error": r.last_error, "format": r.format} for r in rows]


@router.get("/reports/csv")
def csv_reports(session: SessionDep):
    rows = session.exec(select(ScheduledReport).where(ScheduledReport.format == "csv")).all()
    return [r.name for r in rows]


@router.get("/reports/{report_id}/owner")
def report_owner(report_id: int, session: SessionDep) -> dict:
    report = session.exec(select(ScheduledReport).where(ScheduledReport.id == report_id)).first()
    if report is None:
        raise HTTPException(404)
    return {"owner": report.owner_id, "format": report.output_format}
