"""What can go wrong in a directory write; the Management API maps each to Auth0's error."""

from __future__ import annotations


class DirectoryError(Exception):
    """Base class: the message is Auth0's own wording for the condition."""


class UserNotFound(DirectoryError):
    def __init__(self) -> None:
        super().__init__("The user does not exist.")


class IdentityAlreadyExists(DirectoryError):
    def __init__(self) -> None:
        super().__init__("Specified identity already exists.")


class SameIdentity(DirectoryError):
    def __init__(self) -> None:
        super().__init__("Main identity and the new one are the same.")


class SecondaryNotFound(DirectoryError):
    def __init__(self) -> None:
        super().__init__("Provided secondary account not found.")


class MainIdentityRemoval(DirectoryError):
    def __init__(self) -> None:
        super().__init__("Main identity cannot be removed.")


class IdentityNotLinked(DirectoryError):
    def __init__(self) -> None:
        super().__init__("The identity is not linked to the user.")


class DeviceKeyExists(DirectoryError):
    def __init__(self) -> None:
        super().__init__("A public key already exists for the device.")


class ProfileTooLarge(DirectoryError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"The user profile exceeds the size budget of {limit} bytes.")
        self.limit = limit
