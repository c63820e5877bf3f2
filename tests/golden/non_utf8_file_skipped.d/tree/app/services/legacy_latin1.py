from app.models import Invoice


def label(invoice: Invoice) -> str:
    return "Réf. " + invoice.reference
