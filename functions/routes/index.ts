import type { AnyRoute } from '../http/route.ts';
import {
  alertActionRoutes,
  alertDeliveriesRoute,
  getAlertRoute,
  listAlertsRoute,
  markAlertsReadRoute,
  unreadAlertsRoute,
} from './alerts/alerts.ts';
import {
  channelDeliveriesRoute,
  createChannelRoute,
  deleteChannelRoute,
  getChannelRoute,
  listChannelsRoute,
  testChannelRoute,
  updateChannelRoute,
} from './alerts/channels.ts';
import {
  createAlertRuleRoute,
  deleteAlertRuleRoute,
  listAlertRulesRoute,
  updateAlertRuleRoute,
} from './alerts/rules.ts';
import { eventStreamRoute, listEventsRoute } from './events.ts';
import {
  collectIntelRoute,
  fleetPackagesRoute,
  fleetPortsRoute,
  hostIntelChangesRoute,
  hostIntelRoute,
} from './intel.ts';
import { listAuditRoute, exportAuditRoute } from './audit.ts';
import { verifyAuditRoute } from './audit-verify.ts';
import { loginRoute, refreshRoute } from './auth/login.ts';
import { logoutRoute, meRoute, myPermissionsRoute, updateMeRoute } from './auth/me.ts';
import { mfaDisableRoute, mfaEnrolRoute, mfaRecoveryCodesRoute, mfaVerifyRoute } from './auth/mfa.ts';
import { changePasswordRoute } from './auth/password.ts';
import { listMySessionsRoute, revokeMySessionRoute } from './auth/sessions.ts';
import {
  createCredentialRoute,
  deleteCredentialRoute,
  getCredentialRoute,
  listCredentialsRoute,
  updateCredentialRoute,
} from './credentials.ts';
import {
  addGroupHostRoute,
  createGroupRoute,
  deleteGroupRoute,
  getGroupRoute,
  listGroupsRoute,
  removeGroupHostRoute,
  setGroupHostsRoute,
  updateGroupRoute,
} from './groups.ts';
import {
  approveExceptionRoute,
  getExceptionRoute,
  listExceptionsRoute,
  rejectExceptionRoute,
  requestExceptionRoute,
  revokeExceptionRoute,
} from './exceptions.ts';
import { requestGroupScansRoute } from './group-scans.ts';
import { getJobRoute, listJobsRoute } from './jobs.ts';
import { health, live, ready } from './health.ts';
import { createHostRoute, deleteHostRoute, getHostRoute, updateHostRoute } from './hosts/crud.ts';
import {
  approveHostKeyRoute,
  listHostKeysRoute,
  pinHostKeyRoute,
  rejectHostKeyRoute,
} from './hosts/host-keys.ts';
import { importHostsRoute } from './hosts/import.ts';
import { listHostsRoute } from './hosts/list.ts';
import { openapi } from './openapi.ts';
import { changesRoute, postureRoute, postureTrendRoute, topFailingRoute } from './posture.ts';
import { hostResultsRoute } from './results.ts';
import {
  deleteGroupProfileRoute,
  deleteHostProfileRoute,
  getGroupProfileRoute,
  getHostProfileRoute,
  getOsDefaultsRoute,
  putGroupProfileRoute,
  putHostProfileRoute,
  putOsDefaultsRoute,
} from './profile-assignments.ts';
import { getProfileRoute, listProfilesRoute } from './profiles.ts';
import {
  createReportScheduleRoute,
  deleteReportScheduleRoute,
  listReportSchedulesRoute,
} from './report-schedules.ts';
import { createReportRoute, downloadReportRoute, getReportRoute, listReportsRoute } from './reports.ts';
import {
  createRoleRoute,
  deleteRoleRoute,
  getRoleRoute,
  listPermissionsRoute,
  listRolesRoute,
  updateRoleRoute,
} from './roles.ts';
import { getRuleRoute, listRulesRoute } from './rules.ts';
import { getMfaPolicyRoute, putMfaPolicyRoute } from './settings.ts';
import {
  getDiscoveryConfigRoute,
  getLivenessConfigRoute,
  getScanConfigRoute,
  putDiscoveryConfigRoute,
  putLivenessConfigRoute,
  putScanConfigRoute,
} from './system-config.ts';
import {
  createTokenRoute,
  listAllTokensRoute,
  listMyTokensRoute,
  revokeAnyTokenRoute,
  revokeMyTokenRoute,
} from './tokens.ts';
import { createUserRoute } from './users/create.ts';
import { resetPasswordRoute } from './users/password.ts';
import { getUserRoute, listUsersRoute } from './users/read.ts';
import {
  deleteUserRoute,
  disableUserRoute,
  enableUserRoute,
  resetUserMfaRoute,
  unlockUserRoute,
} from './users/state.ts';
import { setUserRolesRoute, updateUserRoute } from './users/update.ts';
import { exportScanRoute } from './scan-export.ts';
import { version } from './version.ts';
import { fleetSummaryRoute } from './fleet-summary.ts';
import {
  cancelScanRoute,
  getScanRoute,
  listScansRoute,
  requestScanRoute,
  scanResultsRoute,
} from './scans.ts';
import { completeSetupRoute, setupStatusRoute } from './setup.ts';

/** Every route the API serves. A route exists only if it is listed here. */
export const routes: AnyRoute[] = [
  health,
  version,
  live,
  ready,
  openapi,
  // auth: sessions, the caller's own account, MFA, API tokens
  loginRoute,
  refreshRoute,
  logoutRoute,
  meRoute,
  updateMeRoute,
  myPermissionsRoute,
  changePasswordRoute,
  mfaEnrolRoute,
  mfaVerifyRoute,
  mfaDisableRoute,
  mfaRecoveryCodesRoute,
  listMyTokensRoute,
  createTokenRoute,
  revokeMyTokenRoute,
  listMySessionsRoute,
  revokeMySessionRoute,
  // administration
  listUsersRoute,
  createUserRoute,
  getUserRoute,
  updateUserRoute,
  deleteUserRoute,
  setUserRolesRoute,
  disableUserRoute,
  enableUserRoute,
  unlockUserRoute,
  resetUserMfaRoute,
  resetPasswordRoute,
  listPermissionsRoute,
  listRolesRoute,
  createRoleRoute,
  getRoleRoute,
  updateRoleRoute,
  deleteRoleRoute,
  listAllTokensRoute,
  revokeAnyTokenRoute,
  listAuditRoute,
  exportAuditRoute,
  verifyAuditRoute,
  getMfaPolicyRoute,
  putMfaPolicyRoute,
  getScanConfigRoute,
  putScanConfigRoute,
  getDiscoveryConfigRoute,
  putDiscoveryConfigRoute,
  getLivenessConfigRoute,
  putLivenessConfigRoute,
  // fleet: hosts, groups, SSH credentials
  listHostsRoute,
  createHostRoute,
  importHostsRoute,
  getHostRoute,
  updateHostRoute,
  deleteHostRoute,
  listHostKeysRoute,
  pinHostKeyRoute,
  approveHostKeyRoute,
  rejectHostKeyRoute,
  listGroupsRoute,
  createGroupRoute,
  getGroupRoute,
  updateGroupRoute,
  deleteGroupRoute,
  setGroupHostsRoute,
  addGroupHostRoute,
  removeGroupHostRoute,
  listCredentialsRoute,
  createCredentialRoute,
  getCredentialRoute,
  updateCredentialRoute,
  deleteCredentialRoute,
  // results: rule catalog, posture, drift
  listRulesRoute,
  postureRoute,
  postureTrendRoute,
  topFailingRoute,
  changesRoute,
  hostResultsRoute,
  // rule exceptions
  requestExceptionRoute,
  listExceptionsRoute,
  getExceptionRoute,
  approveExceptionRoute,
  rejectExceptionRoute,
  revokeExceptionRoute,
  // scans
  requestScanRoute,
  requestGroupScansRoute,
  listScansRoute,
  getScanRoute,
  cancelScanRoute,
  scanResultsRoute,
  exportScanRoute,
  // the job queue (runners' work: scans, discovery, liveness …)
  listJobsRoute,
  getJobRoute,
  // first-run setup: the one-time link that creates the first administrator
  setupStatusRoute,
  completeSetupRoute,
  // events, alerts and notification channels (docs/events.md, docs/alerts.md); the fixed
  // /alerts/unread-count and /alerts/read come before /alerts/:id
  listEventsRoute,
  eventStreamRoute,
  listAlertsRoute,
  unreadAlertsRoute,
  markAlertsReadRoute,
  getAlertRoute,
  alertDeliveriesRoute,
  ...alertActionRoutes,
  listAlertRulesRoute,
  createAlertRuleRoute,
  updateAlertRuleRoute,
  deleteAlertRuleRoute,
  listChannelsRoute,
  createChannelRoute,
  getChannelRoute,
  updateChannelRoute,
  deleteChannelRoute,
  testChannelRoute,
  channelDeliveriesRoute,
  // host intelligence (docs/intelligence.md)
  collectIntelRoute,
  hostIntelRoute,
  hostIntelChangesRoute,
  fleetPackagesRoute,
  fleetPortsRoute,
  // guidance, profiles and reports
  getRuleRoute,
  listProfilesRoute,
  getProfileRoute,
  getHostProfileRoute,
  putHostProfileRoute,
  deleteHostProfileRoute,
  getGroupProfileRoute,
  putGroupProfileRoute,
  deleteGroupProfileRoute,
  getOsDefaultsRoute,
  putOsDefaultsRoute,
  createReportRoute,
  listReportsRoute,
  getReportRoute,
  downloadReportRoute,
  listReportSchedulesRoute,
  createReportScheduleRoute,
  deleteReportScheduleRoute,
  // console: fleet summary
  fleetSummaryRoute,
];
