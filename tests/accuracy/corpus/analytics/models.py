"""Dashboards and scheduled reports (SQLModel)."""
from datetime import datetime
from enum import Enum
from typing import Optional

from sqlalchemy import JSON, Column, String
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, Relationship, SQLModel


class ReportFormat(str, Enum):
    PDF = "pdf"
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def mime_type(self) -> str:
        return {
            "pdf": "application/pdf",
            "csv": "text/csv",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[self.value]


class DashboardBase(SQLModel):
    title: str = Field(max_length=120)
    is_shared: bool = False


class Dashboard(DashboardBase, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    organization_id: int = Field(index=True)
    created_by: int
    created_at: datetime = Field(default_factory=datetime.utcnow)

    widgets: list["Widget"] = Relationship(back_populates="dashboard")


class DashboardCreate(DashboardBase):
    widget_kinds: list[str] = []


class DashboardRead(DashboardBase):
    id: int
    widget_count: int = 0
    owner_name: Optional[str] = None


class Widget(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    dashboard_id: int = Field(foreign_key="dashboard.id")
    kind: str = Field(sa_column=Column(String(30), nullable=False))
    position: int = 0
    config: dict = Field(default_factory=dict, sa_column=Column(JSON))

    dashboard: Optional[Dashboard] = Relationship(back_populates="widgets")


class ScheduledReport(SQLModel, table=True):
    __tablename__ = "scheduled_reports"

    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(80), nullable=False))
    format: ReportFormat = Field(default=ReportFormat.PDF, sa_column=Column(SAEnum(ReportFormat), nullable=False))
    cron: str = Field(sa_column=Column(String(64), nullable=False))
    recipients: str = ""
    owner_id: int
    dashboard_id: Optional[int] = Field(default=None, foreign_key="dashboard.id")
    last_run_at: Optional[datetime] = None
    last_error: Optional[str] = None
