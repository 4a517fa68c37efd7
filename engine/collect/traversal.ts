import { shq } from '../shell/quote.ts';

/** Filesystem types that are not local disks (or are pseudo/read-only images) and are never walked. */
const SKIP_FSTYPES = [
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'securityfs',
  'pstore',
  'bpf',
  'tracefs',
  'debugfs',
  'mqueue',
  'hugetlbfs',
  'configfs',
  'fusectl',
  'autofs',
  'binfmt_misc',
  'efivarfs',
  'nsfs',
  'rpc_pipefs',
  'selinuxfs',
  'nfs',
  'nfs4',
  'cifs',
  'smb3',
  'smbfs',
  'sshfs',
  'fuse.*',
  '9p',
  'ceph',
  'glusterfs',
  'lustre',
  'gpfs',
  'afs',
  'squashfs',
  'iso9660',
  'ramfs',
];

/**
 * One shared `find` over every local mount (each with -xdev, /proc /sys /dev /run skipped) that reports
 * every fs_walk kind in a single pass. GNU find's `,` operator evaluates every branch for each file.
 * The section is timed on the host (`meta:traversal_ns`) so inline runs can still split timings.
 * `roots` replaces mount discovery (tests, targeted scans).
 */
const DISCOVER = `  _seen=$NL
  while read -r _src _tgt _fs _rest; do
    case $_fs in ${SKIP_FSTYPES.join('|')}) continue;; esac
    case $_tgt in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*|/run|/run/*|*\\\\*) continue;; esac
    case $_seen in *"$NL$_tgt$NL"*) continue;; esac
    _seen="$_seen$_tgt$NL"
    set -- "$@" "$_tgt"
  done < /proc/self/mounts
  [ $# -gt 0 ] || set -- /
`;

export function traversalBody(cap: number, roots?: readonly string[]): string {
  const start = roots === undefined ? `  set --\n${DISCOVER}` : `  set -- ${roots.map(shq).join(' ')}\n`;
  return `_walk() {
${start}  find "$@" -xdev \\( -path /proc -o -path /sys -o -path /dev -o -path /run \\) -prune -o \\( \\
    \\( -type f -perm -0002 -printf 'ww_file|%m|%u|%g|%p\\n' \\) , \\
    \\( -type d -perm -0002 ! -perm -1000 -printf 'ww_dir_nosticky|%m|%u|%g|%p\\n' \\) , \\
    \\( -nouser -printf 'unowned|%m|%u|%g|%p\\n' \\) , \\
    \\( -nogroup -printf 'ungrouped|%m|%u|%g|%p\\n' \\) , \\
    \\( -type f -perm -4000 -printf 'suid|%m|%u|%g|%p\\n' \\) , \\
    \\( -type f -perm -2000 -printf 'sgid|%m|%u|%g|%p\\n' \\) \\)
}
_t0=$(date +%s%N)
_c0=$C; C=${cap + 1}
_x fs_walk _walk
C=$_c0
_t1=$(date +%s%N)
_b meta:traversal_ns; echo $((_t1 - _t0)) 2>/dev/null; _e 0
`;
}
