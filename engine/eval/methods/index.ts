import type { Method } from '../method.ts';
import { accounts, groupMembers, shadowPolicy } from './accounts.ts';
import { auditRule } from './audit.ts';
import { kernelCmdline } from './cmdline.ts';
import { command } from './command.ts';
import { configValue, fileContent, loginDefsMethod } from './content.ts';
import { fileAbsent, fileExists, filePermissions } from './files.ts';
import { fsWalk } from './fswalk.ts';
import { apparmorState, selinuxState } from './mac.ts';
import { pamLimits } from './limits.ts';
import { kernelModuleDisabled } from './modules.ts';
import { mountOption, separatePartition } from './mounts.ts';
import { listeningPort } from './network.ts';
import { packageAbsentMethod, packageInstalledMethod } from './packages.ts';
import { pamModule } from './pam.ts';
import { pamFaillock } from './faillock.ts';
import { serviceActive, serviceDisabled, serviceEnabled } from './services.ts';
import { sshdConfig } from './ssh.ts';
import { sudoers } from './sudo.ts';
import { sysctl } from './sysctl.ts';
import { systemdConf } from './systemd-conf.ts';

/** Every check method, by name. Adding one: write it, list it here, document it in docs/rules.md. */
export const METHODS: readonly Method[] = [
  sshdConfig,
  sysctl,
  packageInstalledMethod,
  packageAbsentMethod,
  serviceEnabled,
  serviceDisabled,
  serviceActive,
  fileExists,
  fileAbsent,
  filePermissions,
  fileContent,
  configValue,
  loginDefsMethod,
  pamModule,
  shadowPolicy,
  accounts,
  groupMembers,
  mountOption,
  separatePartition,
  kernelModuleDisabled,
  auditRule,
  kernelCmdline,
  fsWalk,
  listeningPort,
  selinuxState,
  apparmorState,
  sudoers,
  command,
  pamFaillock,
  pamLimits,
  systemdConf,
];

const BY_NAME = new Map(METHODS.map((m) => [m.name, m]));

export function methodByName(name: string): Method | undefined {
  return BY_NAME.get(name);
}
