"""Which self-service features a session may use, from the scopes its access token holds.

Contract: `FEATURES` maps each feature name to the scopes it needs (all of them);
`features_for(scopes)` gives `{feature: bool}` and `missing_scopes_for(scopes)`
`{feature: [scope, ...]}` for `/bff/user`; `missing_scopes` names what one feature
lacks. This is the one place both the JSON API and `/bff/user`
read the map from.
"""

from __future__ import annotations

from collections.abc import Iterable

FEATURES: dict[str, tuple[str, ...]] = {
    "profile": ("read:current_user",),
    "metadata": ("update:current_user_metadata",),
    "identities": ("update:current_user_identities",),
    "mfa": ("read:current_user", "delete:current_user_metadata"),
    "devices": (
        "create:current_user_device_credentials",
        "delete:current_user_device_credentials",
    ),
}

#: Words for people, used in error messages ("... does not allow <label>").
FEATURE_LABELS: dict[str, str] = {
    "profile": "reading your profile",
    "metadata": "editing your preferences (user_metadata)",
    "identities": "linking and unlinking sign-in identities",
    "mfa": "reviewing and removing multi-factor enrollments",
    "devices": "registering and revoking device keys",
}


def missing_scopes(feature: str, scopes: Iterable[str]) -> list[str]:
    """The scopes `feature` needs that `scopes` lacks (empty: the feature is available)."""
    granted = set(scopes)
    return [scope for scope in FEATURES[feature] if scope not in granted]


def missing_scopes_for(scopes: Iterable[str]) -> dict[str, list[str]]:
    """`{feature: scopes it lacks}` for a token granted `scopes`: the UI's reason text."""
    granted = frozenset(scopes)
    return {name: missing_scopes(name, granted) for name in FEATURES}


def features_for(scopes: Iterable[str]) -> dict[str, bool]:
    """`{feature: available}` for a token granted `scopes`."""
    granted = frozenset(scopes)
    return {name: not missing_scopes(name, granted) for name in FEATURES}
