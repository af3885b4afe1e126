"""What makes the enrolled sign-in methods real: one-time codes, the outbox, WebAuthn.

- `codes`: TOTP (pyotp), e-mailed/texted one-time codes, recovery codes.
- `outbox`: where e-mail and SMS codes are "delivered" (a page of the local tenant).
- `relying_party`: passkeys (py_webauthn): the rp.id, the accepted origins, options and
  verification of registrations and assertions.
- `enrollments`: My Account enrollments in progress (`auth_session`), per type.
- `login_steps`: the second factor a login transaction waits for, and passkey tickets.
The My Account API (`app.tenant.myaccount`) and the login pages (`app.tenant.views`)
use these; the records themselves live in `app.tenant.directory.authentication_methods`.
"""
