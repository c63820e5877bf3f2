import pytest

from app.enums import InvoiceStatus, UserStatus
from app.models import Invoice, User
from app.services import invoicing, users


def test_register_defaults(session):
    user = users.register(session, "a@b.test", "pw")
    assert user.status == UserStatus.INVITED
    assert user.locale == "en"


def test_unknown_constructor_kwarg_is_rejected():
    with pytest.raises(TypeError):
        User(email="x@y.test", nickname="x")


def test_missing_attribute_raises(owner):
    with pytest.raises(AttributeError):
        owner.nickname


def test_invoice_total(session, org):
    invoice = invoicing.draft(session, org)
    invoicing.add_line(invoice, "Seats", 5, 2900)
    assert invoice.total_cents == 14500
    assert invoice.status is InvoiceStatus.DRAFT


def test_fake_user_object():
    class FakeUser:
        email = "fake@test"
        nickname = "fake"

    fake = FakeUser()
    assert fake.nickname == "fake"
