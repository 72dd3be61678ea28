"""Errors of the iPhone check that the person can act on; each one has a message key."""

from __future__ import annotations

from safecheck.core.errors import SafecheckError


class IPhoneError(SafecheckError):
    """The backup or the phone cannot be read at all (what can be read partly goes to a
    coverage row instead)."""


class BackupPasswordNeeded(IPhoneError):
    """The backup is encrypted and no password was given: ask for it and try again."""


class WrongBackupPassword(IPhoneError):
    """The password does not open the backup's keys."""


class BackupFileError(Exception):
    """One file inside the backup is missing, too large or damaged: a coverage row, not fatal.
    `reason` is short English text for the coverage details."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
