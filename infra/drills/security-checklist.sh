#!/bin/sh
# Runs every check of docs/operations/security-checklist.md on an installed OpenWatch and compares the
# output with the expected one. Run as the openwatch user with /etc/openwatch/secrets.env loaded:
#   sudo -u openwatch sh -c 'set -a; . /etc/openwatch/secrets.env; sh security-checklist.sh'
# Exit status: the number of failed checks.
failed=0
check() { # name, expected (extended regex over the whole output), command...
  name=$1 expected=$2
  shift 2
  out=$("$@" 2>&1)
  if printf '%s' "$out" | grep -Eq "$expected"; then
    echo "ok: $name"
  else
    echo "FAILED: $name"
    printf '%s\n' "$out" | sed 's/^/  | /'
    failed=$((failed + 1))
  fi
}
only_lines() { # every line of the command's output must match the pattern
  pattern=$1
  shift
  out=$("$@" 2>&1) || return 1
  [ -n "$out" ] && ! printf '%s\n' "$out" | grep -Evq "$pattern" && echo all-match
}

check 'key files readable by the service user only' '^all-match$' \
  only_lines '^600 openwatch$' sh -c "stat -c '%a %U' /etc/openwatch/keys/*"
check 'secrets.env not world-readable' '^640 root:openwatch$' stat -c '%a %U:%G' /etc/openwatch/secrets.env
check 'the service runs unprivileged' 'User=openwatch.*NoNewPrivileges=yes.*CapabilityBoundingSet=$' \
  sh -c "grep -E '^(User|NoNewPrivileges|CapabilityBoundingSet)=' /lib/systemd/system/openwatch.service | tr '\n' ' ' | sed 's/ $//'"
check 'the configuration is valid' 'configuration is valid' openwatch check-config
check 'the schema is current' '[0-9]+ applied, 0 pending$' openwatch migrate --status
check 'the audit chain is intact' '^audit chain intact: ' openwatch audit verify
exit "$failed"
