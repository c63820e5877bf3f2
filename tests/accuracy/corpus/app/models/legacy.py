"""Read-only mapping of the pre-2022 billing database (separate metadata, separate engine)."""
from sqlalchemy import Column, Date, Integer, Numeric, String
from sqlalchemy.orm import declarative_base

LegacyBase = declarative_base()


class Invoice(LegacyBase):
    __tablename__ = "tbl_invoice"

    id = Column("invoice_id", Integer, primary_key=True)
    invoice_no = Column(String(20), nullable=False)
    customer_ref = Column(String(20), nullable=False)
    amount = Column(Numeric(12, 2), nullable=False)
    vat_amount = Column(Numeric(12, 2))
    issue_date = Column(Date)
    state = Column(String(1), nullable=False, default="O")

    def is_settled(self) -> bool:
        return self.state == "S"
