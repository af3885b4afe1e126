"""The database connection's password policy, as the My Account API describes it.

Contract: `POLICY` is the `policy` of a password enrollment (Auth0's schema);
`policy_violation(password)` is None for a password the policy accepts, else a sentence
saying what is missing. The policy is Auth0's "fair" strength: at least 8 characters, 3
of the 4 character types; no history, dictionary or profile-data checks here.
"""

from __future__ import annotations

MIN_LENGTH = 8
MAX_LENGTH = 256  # the verify body's own limit

POLICY = {
    "complexity": {
        "min_length": MIN_LENGTH,
        "character_types": ["lowercase", "uppercase", "number", "special"],
        "character_type_rule": "three_of_four",
        "identical_characters": "allow",
        "sequential_characters": "allow",
        "max_length_exceeded": "error",
    },
    "profile_data": {"active": False, "blocked_fields": []},
    "history": {"active": False, "size": 0},
    "dictionary": {"active": False, "default": "en_10k"},
}


def policy_violation(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"The new password must have at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The new password must have at most {MAX_LENGTH} characters."
    kinds = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    if sum(kinds) < 3:
        return ("The new password needs 3 of: lower case letters, upper case letters,"
                " numbers, special characters.")
    return None
