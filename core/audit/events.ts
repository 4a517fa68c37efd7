/**
 * The registry of audit event codes. Appending an event with a code not listed here is a type error;
 * docs/identity.md lists them.
 */
export const AUDIT_EVENTS = {
  'auth.login.succeeded': 'A user signed in and a session was issued',
  'auth.login.failed': 'A sign-in failed (unknown user, wrong password or code, disabled account)',
  'auth.login.rate_limited': 'A sign-in, MFA or refresh attempt was refused by a rate limit',
  'auth.lockout': 'Repeated failures locked a username out for a while',
  'auth.unlock': 'An administrator cleared a lockout',
  'auth.logout': 'A user signed out; the session was revoked',
  'auth.session.revoked': 'A user revoked one of their own sessions (another device, or this one)',
  'auth.token.issued': 'An access and refresh token pair was issued for a new session',
  'auth.token.refreshed': 'A refresh token was exchanged (rotated) for new tokens',
  'auth.refresh.reused': 'A rotated refresh token was presented again; its whole session was revoked',
  'auth.password.changed': 'A user changed their own password',
  'authz.denied': 'A request was refused for lack of a permission',
  'mfa.enrolment.started': 'A user started TOTP enrolment',
  'mfa.enabled': 'TOTP was verified and enabled; recovery codes were issued',
  'mfa.disabled': 'TOTP was turned off',
  'mfa.recovery_codes.regenerated': 'A new set of recovery codes replaced the old one',
  'mfa.recovery_code.used': 'A recovery code was spent to sign in',
  'mfa.reset': "An administrator removed a user's MFA",
  'user.created': 'A user account was created',
  'user.updated': 'A user profile was changed',
  'user.disabled': 'A user was disabled; their sessions and tokens were revoked',
  'user.enabled': 'A user was enabled again',
  'user.deleted': 'A user was deleted (soft); their sessions and tokens were revoked',
  'user.password.reset': "An administrator set a user's password; their sessions were revoked",
  'user.roles.changed': "A user's roles were changed",
  'role.created': 'A custom role was created',
  'role.updated': 'A custom role was changed',
  'role.deleted': 'A custom role was deleted',
  'api_token.created': 'An API token was created',
  'api_token.revoked': 'An API token was revoked',
  'config.changed': 'A system setting was changed',
  'credential_key.rotated':
    'Every stored secret was re-encrypted under a new credential key; the older key versions were retired',
  'jwt.key.rotated': 'A new access-token signing key was registered and older ones scheduled to retire',
  'audit.exported': 'The audit log was exported',
  'report.exported': "A scan's results were exported (JSON, CSV or OSCAL)",
  'scan.requested': 'A scan of a host was queued',
  'scan.cancelled': 'A queued or running scan was cancelled',
  'host.created': 'A host was registered (by hand or by a bulk import)',
  'host.updated': 'A host was changed (maintenance included)',
  'host.deleted': 'A host was removed (soft: its history stays)',
  'host.imported': 'A bulk host import finished (counts of created and refused rows)',
  'group.created': 'A host group was created',
  'group.updated': 'A host group was changed (maintenance and automatic membership included)',
  'group.deleted': 'A host group was deleted',
  'group.members.changed': "A host group's manual members were changed",
  'group.scans.requested':
    "Scans of a group's members were requested (counts of queued and skipped hosts; each queued scan is also a scan.requested)",
  'credential.created': 'An SSH credential was stored (the secret itself is never logged)',
  'credential.updated': 'An SSH credential was changed or its secret replaced',
  'credential.deleted': 'An SSH credential was deleted',
  'host_key.pinned': "A host's SSH key was pinned (pre-provisioned, or trusted on first use)",
  'host_key.mismatch':
    'A host offered an SSH key other than the pinned one; nothing ran, the key awaits a decision',
  'host_key.approved': 'A pending host key was approved: it is pinned now and the previous one retired',
  'host_key.rejected': 'A pending host key was rejected',
  'exception.requested': 'A rule exception was requested for a host or group',
  'exception.approved': 'A rule exception was approved (by someone other than its requester)',
  'exception.rejected': 'A requested rule exception was rejected',
  'exception.revoked': 'An approved rule exception was revoked before it expired',
  'setup.token_issued':
    'A one-time first-run setup link was minted (serve start-up or openwatch setup-link); older unused ones were invalidated',
  'setup.admin_created':
    'The first administrator was created through the one-time setup link; the link is spent',
  'setup.token_rejected': 'A first-run setup attempt was refused: unknown, used, replaced or expired token',
  'system.backup.created': 'openwatch backup wrote an archive (its path, schema version and row counts)',
  'system.backup.restored':
    'openwatch restore loaded an archive into this database (the archive, its creation time, migrations applied)',
  'alert.fired': 'An alert opened (or an open, unhandled one was re-notified after its dedup window)',
  'alert.acknowledged': 'A user acknowledged an alert',
  'alert.silenced': 'A user silenced an alert until a time',
  'alert.silence_expired': "A silenced alert's silence ran out: it is active again",
  'alert.resolved': 'An alert was resolved (by a user, or automatically when its condition cleared)',
  'alert.dismissed': 'A user dismissed an alert',
  'alert.reopened': 'A user made an acknowledged or silenced alert active again',
  'alert_rule.created': 'A custom alert rule was created',
  'alert_rule.updated': 'An alert rule was changed (filters, window, channels, enabled)',
  'alert_rule.deleted': 'A custom alert rule was deleted',
  'channel.created': 'A notification channel was created (its secrets are never logged)',
  'channel.updated': 'A notification channel was changed',
  'channel.deleted': 'A notification channel was deleted',
  'channel.tested': 'A test message was queued for a notification channel',
  'host.intel.requested':
    "A collection of a host's inventory (packages, services, users, ports …) was queued",
  'profile.assigned': 'A benchmark profile was assigned to a host or group (replacing any earlier one)',
  'profile.unassigned': "A host's or group's own profile was removed (it falls back to the next level)",
  'report.created':
    'A report snapshot was generated (by a user or a report schedule), signed when a report key is configured',
  'report.downloaded': 'A report snapshot was downloaded (HTML or JSON)',
  'report_schedule.created': 'A report schedule was created',
  'report_schedule.deleted': 'A report schedule was deleted',
} as const;

export type AuditCode = keyof typeof AUDIT_EVENTS;

export function isAuditCode(code: string): code is AuditCode {
  return Object.hasOwn(AUDIT_EVENTS, code);
}
