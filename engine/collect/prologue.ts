import { shq } from '../shell/quote.ts';

/** Default cap per section, and the larger one for the traversal listing. */
export const SECTION_CAP = 1024 * 1024;
export const WALK_CAP = 8 * 1024 * 1024;

/**
 * Shell helpers every script starts with. The marker printers, `_f` (a file: rc 2 absent, 3 not a regular
 * file), `_x` (a command with its exit status kept across the `head` pipe, no temporary files) and `_l`
 * (a bundle listing followed by each file). Sections read one byte past the cap so the parser can tell a
 * cut.
 */
export function prologue(nonce: string, cap = SECTION_CAP): string {
  return `export LC_ALL=C
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export PATH
N=${shq(nonce)}
C=${cap + 1}
NL='
'
_b() { printf '\\n@@OW%s B %s\\n' "$N" "$1"; }
_e() { printf '\\n@@OW%s E %s\\n' "$N" "$1"; }
_f() { _b "$1"; if [ -f "$2" ]; then head -c "$C" "$2" 2>/dev/null; _e $?; elif [ -e "$2" ]; then _e 3; else _e 2; fi; }
_x() { _k=$1; shift; _b "$_k"; { _r=$( { { "$@" 2>/dev/null; echo $? >&3; } | head -c "$C" >&4; } 3>&1 ); } 4>&1; _e "\${_r:-1}"; }
_y() { _k=$1; shift; _b "$_k"; { _r=$( { { "$@" 2>&1; echo $? >&3; } | head -c "$C" >&4; } 3>&1 ); } 4>&1; _e "\${_r:-1}"; }
_l() { _k=$1; shift; _b "$_k"; for _p in "$@"; do case $_p in *"$NL"*) continue;; esac; [ -f "$_p" ] && printf '%s\\n' "$_p"; done; _e 0
  for _p in "$@"; do case $_p in *"$NL"*) continue;; esac; [ -f "$_p" ] && _f "file:$_p" "$_p"; done; :; }
_s() { _b "$1"; if [ -e "$2" ]; then { while IFS= read -r _v || [ -n "$_v" ]; do printf '%s\\n' "$_v"; done < "$2"; } 2>/dev/null && _e 0 || _e 1; else _e 2; fi; }
`;
}
