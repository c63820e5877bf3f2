from app.models import Vendor


def test_vendor_defaults():
    vendor = Vendor(legal_name="ACME", country="NL")
    assert vendor.legal_name == "ACME"
