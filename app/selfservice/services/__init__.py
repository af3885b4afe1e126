"""The account API's services: what each endpoint does, without Flask.

A view parses input, calls one function here and shapes the answer. The services own
the caching, the locks, the entity tags, the order of the steps of a link and the
device registry; they take everything they act with as arguments (`Account`, the
pending link), so that they run, and are tested, outside a request.

- `account.py`: `Account`, the signed-in user with the client, store and settings.
- `profile.py`: the profile and its entity tag.
- `metadata.py`: reading and changing `user_metadata` (If-Match, one writer at a time).
- `linking.py`: identities, unlinking, the pending link's preview and confirmation.
- `mfa.py`: multi-factor enrollments and removing a provider.
- `devices.py`: device keys and the registry of the ones this app registered.
"""
