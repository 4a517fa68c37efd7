import { CAPABILITIES, type Capability } from '../platform/capabilities.ts';

const has = (cmd: string): string => `command -v ${cmd} >/dev/null 2>&1`;
const oneOf = (...conds: string[]): string => conds.map((c) => `{ ${c}; }`).join(' || ');

/** How each capability is detected, with builtins only (docs/rules.md keeps the same table). */
const PROBES: Record<Capability, string> = {
  root: '[ "$(id -u)" = 0 ]',
  systemd: '[ -d /run/systemd/system ]',
  sshd: oneOf(has('sshd'), '[ -x /usr/sbin/sshd ]'),
  dpkg: has('dpkg-query'),
  rpm: has('rpm'),
  apt: has('apt-get'),
  dnf: has('dnf'),
  yum: has('yum'),
  auditd: oneOf(has('auditctl'), has('auditd')),
  apparmor: '[ -d /sys/module/apparmor ]',
  selinux: oneOf('[ -d /sys/fs/selinux ]', '[ -f /etc/selinux/config ]'),
  grub2: oneOf('[ -f /boot/grub/grub.cfg ]', '[ -f /boot/grub2/grub.cfg ]', '[ -f /etc/default/grub ]'),
  uefi: '[ -d /sys/firmware/efi ]',
  pam: '[ -d /etc/pam.d ]',
  sudo: has('sudo'),
  cron: oneOf(has('cron'), has('crond'), has('crontab')),
  at: has('at'),
  chrony: has('chronyd'),
  ntp: has('ntpd'),
  timesyncd: oneOf('[ -x /lib/systemd/systemd-timesyncd ]', '[ -x /usr/lib/systemd/systemd-timesyncd ]'),
  firewalld: has('firewall-cmd'),
  ufw: has('ufw'),
  nftables: has('nft'),
  iptables: has('iptables'),
  rsyslog: has('rsyslogd'),
  journald: '[ -f /etc/systemd/journald.conf ]',
  aide: has('aide'),
  gdm: oneOf('[ -d /etc/gdm3 ]', '[ -d /etc/gdm ]'),
  ipv6: '[ -d /proc/sys/net/ipv6 ]',
  kernel_modules: '[ -d "/lib/modules/$(uname -r)" ]',
  container: oneOf('[ -f /.dockerenv ]', '[ -f /run/.containerenv ]', '[ -f /run/systemd/container ]'),
};

/** The first round trip: os-release, kernel release and capabilities. */
export function probeBody(): string {
  const caps = CAPABILITIES.map((c) => `if ${PROBES[c]}; then echo ${c}; fi`).join('\n');
  return `_b os_release; if [ -f /etc/os-release ]; then head -c "$C" /etc/os-release; else head -c "$C" /usr/lib/os-release; fi; _e $?
_b uname; uname -r; _e $?
_b capabilities
${caps}
_e 0
`;
}

export function parseCapabilities(text: string): string[] {
  const known = new Set<string>(CAPABILITIES);
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => known.has(l));
}
