"""Password and token hashing helpers (no model access)."""
import hashlib
import hmac
import secrets


def hash_secret(raw: str, *, salt: str = "") -> str:
    return hashlib.sha256((salt + raw).encode()).hexdigest()


def verify_hash(raw: str, hashed: str) -> bool:
    return hmac.compare_digest(hash_secret(raw), hashed)


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)
