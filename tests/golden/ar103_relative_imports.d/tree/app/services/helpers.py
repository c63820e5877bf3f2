def fmt(value) -> str:
    return str(value or "").upper()
