#!/usr/bin/env bash
# deploy/local/test-tools.sh — the SMTP test clients the end-to-end scenarios run
# against the submission service: swaks (Debian packages swaks and, for TLS,
# libnet-ssleay-perl) and Postfix's smtp-source (Debian package postfix, which
# also brings smtp-sink).
#
#   test-tools.sh          install whichever is missing (apt-get, as root); a no-op when both are there
#   test-tools.sh check    exit 0 only if both are installed
#
# Postfix is installed with "No configuration" and no service may start during
# the install (a temporary policy-rc.d); should a Postfix daemon run afterwards
# that was not running before, it is stopped and its start at boot disabled, so
# nothing of it listens on port 25.
set -euo pipefail

info() { printf '[test-tools] %s\n' "$*" >&2; }
warn() { printf '[test-tools] WARNING: %s\n' "$*" >&2; }
die() { printf '[test-tools] ERROR: %s\n' "$*" >&2; exit 1; }

missing_packages() {
  local -a missing=()
  command -v swaks >/dev/null 2>&1 || missing+=(swaks)
  # swaks speaks TLS through Net::SSLeay, only a recommendation of its package.
  perl -MNet::SSLeay -e1 >/dev/null 2>&1 || missing+=(libnet-ssleay-perl)
  # smtp-source lives in /usr/sbin, which a non-login PATH may lack.
  command -v smtp-source >/dev/null 2>&1 || [[ -x /usr/sbin/smtp-source ]] || missing+=(postfix)
  [[ ${#missing[@]} == 0 ]] || printf '%s\n' "${missing[@]}"
}

postfix_running() {
  command -v postfix >/dev/null 2>&1 && postfix status >/dev/null 2>&1
}

install_packages() {
  local -a packages=("$@")
  [[ "$(id -u)" == 0 ]] ||
    die "missing ${packages[*]}: run as root, or install them first (apt-get install ${packages[*]})"
  command -v apt-get >/dev/null 2>&1 || die "missing ${packages[*]}, and no apt-get to install them"
  local was_running=0 policy=/usr/sbin/policy-rc.d made_policy=0
  postfix_running && was_running=1
  if [[ ! -e "$policy" ]]; then
    # Debian's invoke-rc.d asks this before starting a service: 101 = not now.
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  local rc=0
  # Another install on the machine (a benchmark's) holds the lock for a while: wait for it.
  local -a wait_lock=(-o DPkg::Lock::Timeout=300)
  {
    apt-get "${wait_lock[@]}" update -qq &&
      apt-get "${wait_lock[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  } || rc=$?
  [[ $made_policy == 1 ]] && rm -f "$policy"
  [[ $rc == 0 ]] || die "apt-get install ${packages[*]} failed (exit $rc)"
  if [[ $was_running == 0 ]] && postfix_running; then
    warn "a Postfix daemon started with the install: stopping it and disabling its start"
    postfix stop >/dev/null 2>&1 || true
    command -v update-rc.d >/dev/null 2>&1 && update-rc.d postfix disable >/dev/null 2>&1 || true
  fi
  info "installed ${packages[*]}"
}

main() {
  local -a missing
  mapfile -t missing < <(missing_packages)
  if [[ "${1:-}" == check ]]; then
    [[ ${#missing[@]} == 0 ]] || die "missing: ${missing[*]} (run deploy/local/test-tools.sh as root)"
    return 0
  fi
  if [[ ${#missing[@]} == 0 ]]; then
    info "swaks (with TLS) and smtp-source present"
    return 0
  fi
  info "installing ${missing[*]}"
  install_packages "${missing[@]}"
  mapfile -t missing < <(missing_packages)
  [[ ${#missing[@]} == 0 ]] || die "still missing after the install: ${missing[*]}"
}

main "$@"
