import { NAMED_BUNDLES } from '../facts/keys.ts';
import { shellGlob } from '../facts/glob.ts';

/**
 * The sshd_config bundle: the main file, the default drop-in directory, and whatever its Include lines
 * name (one level, relative paths under /etc/ssh). The Include arguments come from the host's own file
 * and are expanded by the shell as globs, never evaluated.
 */
export function parseSshdConfigIncludes(): string {
  const globs = (NAMED_BUNDLES.sshd_config ?? []).map(shellGlob).join(' ');
  return `_inc() { awk 'tolower($1)=="include" { for (i = 2; i <= NF; i++) print $i }' /etc/ssh/sshd_config 2>/dev/null; }
set -- ${globs}
_old_ifs=$IFS; IFS=$NL
for _i in $(_inc); do case $_i in /*) ;; *) _i=/etc/ssh/$_i;; esac; IFS=' '; for _j in $_i; do set -- "$@" "$_j"; done; IFS=$NL; done
IFS=$_old_ifs
_l sshd_config "$@"`;
}
