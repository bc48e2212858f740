#!/usr/bin/env bash
# Makes Postfix's programs available to a benchmark (smtp-sink, smtp-source, and
# master/smtpd for a private instance) without leaving a Postfix daemon running:
# the Debian package is installed with "No configuration" (no main.cf, so the
# system instance cannot start and nothing listens on port 25), and should an
# install have started the system instance anyway, it is stopped again.
set -euo pipefail
if command -v smtp-sink >/dev/null && command -v smtp-source >/dev/null \
  && [ -x "$(postconf -d -h daemon_directory)/master" ]; then
  exit 0
fi
echo "installing postfix (no configuration) for smtp-sink, smtp-source and a private smtpd" >&2
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -qq >&2 && apt-get install -y -qq postfix >&2
if postfix status >/dev/null 2>&1; then
  echo "stopping the system Postfix instance the install started" >&2
  postfix stop >&2 || true
fi
