#!/usr/bin/env bash
# Real mail servers for madoguchi's integration tests: Postfix (SMTP in) -> Dovecot LMTP ->
# Dovecot maildir <- Dovecot IMAP. Everything listens on 127.0.0.1 only.
#
#   scripts/mail-servers.sh install        # idempotent; apt-get only when binaries are missing
#   scripts/mail-servers.sh start DIR      # all state (config, queue, mail, logs, pids) under DIR
#   scripts/mail-servers.sh stop DIR       # stops what `start DIR` started; no-op if nothing runs
#   scripts/mail-servers.sh status DIR     # exit 0 when both servers of DIR are running
#
# Ports (env, defaults): MAIL_IMAP_PORT=10143  MAIL_SMTP_PORT=10025  MAIL_LMTP_PORT=10024
# `start` prints IMAP_PORT=.., SMTP_PORT=.., LMTP_PORT=.., MAIL_DIR=.. lines once all ports answer.
# MAIL_SERVERS_DEBUG=1 logs each readiness probe to stderr.
#
# Behaviour of the servers:
# - SMTP (Postfix 3.7, its own config dir DIR/postfix/etc, no chroot) accepts mail for ANY
#   domain from loopback clients, without AUTH or TLS, and relays every recipient to Dovecot LMTP
#   on 127.0.0.1:MAIL_LMTP_PORT. Postfix adds a Received: header, Dovecot adds Return-Path:, a
#   Received: and, only when the LMTP transaction has a single recipient, Delivered-To:. Bodies
#   pass byte for byte, 8-bit included (disable_mime_output_conversion = yes), except that, like
#   any real MTA, Postfix breaks lines longer than 998 bytes (inserting CRLF).
# - IMAP (Dovecot 2.3): ANY user name logs in with password "secret"; the user name is the full
#   address, lower-cased ("desk@madoguchi.test"). Mailboxes Processed and Failed are auto-created.
#   "user+tag@domain" is delivered to "user@domain" (Dovecot's default recipient_delimiter "+").
#   IDLE is pushed at once (inotify). No login throttling, even after failed logins.
# - Not the fallback: this is real Postfix; nodemailer's LMTP mode is not used.
#
# Needs root (Postfix's master and Dovecot's master run as root and drop privileges to the
# `postfix` and `nobody` users), which is what CI and the dev machines are. Works with CI=true,
# no stdin, no TTY. The distro's own Postfix/Dovecot instances are never started (a temporary
# policy-rc.d denies service starts during apt-get) and are stopped if something else started them.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TEMPLATES=$HERE/mail-servers
PACKAGES=(dovecot-imapd dovecot-lmtpd postfix)
LOCK=/tmp/madoguchi-mail-servers-install.lock

log() { printf 'mail-servers: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

need_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (Postfix and Dovecot masters need it); try sudo"
}

have_binaries() {
  [ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ] && [ -x /usr/lib/dovecot/lmtp ] &&
    [ -x /usr/sbin/postfix ] && [ -x /usr/lib/postfix/sbin/master ] &&
    getent passwd postfix >/dev/null && getent group postdrop >/dev/null &&
    getent passwd nobody >/dev/null && getent group nogroup >/dev/null
}

# ---------------------------------------------------------------------------------------- install

stop_system_instances() {
  # The packages' own instances (port 25 / 143 / 993) are not used; make sure they are not running.
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl disable --now postfix.service dovecot.service >/dev/null 2>&1 || true
  fi
  if [ -f /etc/postfix/main.cf ] && /usr/sbin/postfix status >/dev/null 2>&1; then
    /usr/sbin/postfix stop >/dev/null 2>&1 || true
  fi
  if [ -f /run/dovecot/master.pid ] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; then
    /usr/sbin/dovecot stop >/dev/null 2>&1 || true
  fi
}

apt_install() {
  local -a opts=(-y -q --no-install-recommends
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
    -o DPkg::Lock::Timeout=600)
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null ||
      ! apt-get "${opts[@]}" install "${PACKAGES[@]}" </dev/null; then
    apt-get -q -o DPkg::Lock::Timeout=600 update </dev/null
    apt-get "${opts[@]}" install "${PACKAGES[@]}" </dev/null
  fi
}

cmd_install() {
  if have_binaries; then
    log "already installed: $(dovecot --version | cut -d' ' -f1), postfix $(postconf -d -h mail_version 2>/dev/null)"
    return 0
  fi
  need_root
  # Parallel test files may all call `install` on a fresh machine: one apt-get at a time.
  exec 9>"$LOCK"
  flock -w 900 9 || die "timed out waiting for $LOCK"
  if have_binaries; then log "installed by a concurrent run"; return 0; fi

  export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true
  # Never start the distro's instances from the maintainer scripts (no-op where a policy already exists).
  local policy=/usr/sbin/policy-rc.d made_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# temporary, from madoguchi scripts/mail-servers.sh install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  # shellcheck disable=SC2064
  trap "[ -z '$made_policy' ] || rm -f '$policy'" EXIT
  # "No configuration": postinst writes no main.cf and never asks anything.
  printf '%s\n' \
    'postfix postfix/main_mailer_type select No configuration' \
    'postfix postfix/mailname string mx.madoguchi.test' | debconf-set-selections

  local t0 t1
  t0=$(date +%s.%N)
  apt_install >&2 # keep stdout for machine-readable lines
  t1=$(date +%s.%N)
  stop_system_instances
  have_binaries || die "packages installed but binaries missing"
  log "installed ${PACKAGES[*]} in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')s (apt-get)"
}

# ------------------------------------------------------------------------------------ start/stop

resolve_dir() {
  [ -n "${1:-}" ] || die "usage: $0 start|stop|status DIR"
  local d
  d=$(realpath -m -- "$1")
  # The path is substituted into config files and used in unix-socket paths (max 107 bytes).
  [[ "$d" =~ ^/[A-Za-z0-9._/-]+$ ]] || die "DIR must match [A-Za-z0-9._/-]+: $d"
  [ "${#d}" -le 60 ] || die "DIR path too long for unix sockets (${#d} > 60): $d"
  printf '%s' "$d"
}

pid_alive() { [ -f "$1" ] && kill -0 "$(tr -dc 0-9 <"$1")" 2>/dev/null; }

wait_pid_gone() { # pidfile seconds
  local pid i
  [ -f "$1" ] || return 0
  pid=$(tr -dc 0-9 <"$1")
  [ -n "$pid" ] || return 0
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid ($1) still alive after $2s; killing"
  kill -KILL "$pid" 2>/dev/null || true
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Connects and reads the greeting; succeeds when it starts with $2.
port_greets() {
  local line=
  {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    IFS= read -r -t 3 line <&3 || true
    exec 3<&-
  } 2>/dev/null
  [ -z "${MAIL_SERVERS_DEBUG:-}" ] || log "$EPOCHREALTIME port $1: ${line:0:40}"
  [[ "$line" == "$2"* ]]
}

render() { # template output
  sed -e "s|@DIR@|$DIR|g" -e "s|@IMAP_PORT@|$IMAP_PORT|g" -e "s|@SMTP_PORT@|$SMTP_PORT|g" \
    -e "s|@LMTP_PORT@|$LMTP_PORT|g" "$TEMPLATES/$1" >"$2"
}

show_logs() {
  local f
  for f in "$DIR/dovecot/dovecot.log" "$DIR/postfix/maillog"; do
    [ -f "$f" ] && { log "--- tail $f"; tail -n 30 "$f" >&2; }
  done
  return 0
}

cmd_stop() {
  DIR=$(resolve_dir "${1:-}")
  need_root
  local pf_pid=$DIR/postfix/spool/pid/master.pid dc_pid=$DIR/dovecot/run/master.pid
  # Signal both masters first, then wait for both: each takes 1-2 s to wind down its children.
  if pid_alive "$pf_pid"; then
    /usr/sbin/postfix -c "$DIR/postfix/etc" stop </dev/null >/dev/null 2>&1 ||
      kill -TERM "$(tr -dc 0-9 <"$pf_pid")" 2>/dev/null || true
  fi
  if pid_alive "$dc_pid"; then
    kill -TERM "$(tr -dc 0-9 <"$dc_pid")" 2>/dev/null || true # what `dovecot stop` does, minus its slow polling
  fi
  wait_pid_gone "$pf_pid" 15
  wait_pid_gone "$dc_pid" 15
  rm -f "$pf_pid" "$dc_pid"
  log "stopped ($DIR)"
}

cmd_status() {
  DIR=$(resolve_dir "${1:-}")
  pid_alive "$DIR/postfix/spool/pid/master.pid" && pid_alive "$DIR/dovecot/run/master.pid"
}

cmd_start() {
  DIR=$(resolve_dir "${1:-}")
  need_root
  have_binaries || die "Postfix/Dovecot not installed: run '$0 install' first"
  IMAP_PORT=${MAIL_IMAP_PORT:-10143}
  SMTP_PORT=${MAIL_SMTP_PORT:-10025}
  LMTP_PORT=${MAIL_LMTP_PORT:-10024}
  local p
  for p in "$IMAP_PORT" "$SMTP_PORT" "$LMTP_PORT"; do
    if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then die "bad port: $p"; fi
  done
  if [ "$IMAP_PORT" = "$SMTP_PORT" ] || [ "$IMAP_PORT" = "$LMTP_PORT" ] || [ "$SMTP_PORT" = "$LMTP_PORT" ]; then
    die "IMAP, SMTP and LMTP ports must differ"
  fi

  # Starting twice with the same DIR: stop the previous instance first (it may use other ports).
  if [ -d "$DIR" ]; then cmd_stop "$DIR" 2>/dev/null; fi
  for p in "$IMAP_PORT" "$SMTP_PORT" "$LMTP_PORT"; do
    port_in_use "$p" && die "127.0.0.1:$p is already in use"
  done

  local t0 t1
  t0=$(date +%s.%N)
  mkdir -p "$DIR"/dovecot/run "$DIR"/dovecot/state "$DIR"/mail "$DIR"/postfix/etc "$DIR"/postfix/spool "$DIR"/postfix/data
  # mkdtemp makes 0700 dirs; postfix and nobody must be able to traverse to their state.
  chmod 755 "$DIR" "$DIR"/dovecot "$DIR"/postfix "$DIR"/postfix/etc
  chown nobody:nogroup "$DIR"/mail
  chown postfix "$DIR"/postfix/data

  render dovecot.conf.in "$DIR/dovecot/dovecot.conf"
  render postfix-main.cf.in "$DIR/postfix/etc/main.cf"
  render postfix-master.cf.in "$DIR/postfix/etc/master.cf"
  # Postfix re-reads a config file until its mtime is in the past (dict_load_file): without this,
  # every `postfix` command spends up to ~2s polling a main.cf written this very second.
  touch -d '-5 seconds' "$DIR/postfix/etc/main.cf" "$DIR/postfix/etc/master.cf"
  : >"$DIR/dovecot/dovecot.log"
  chmod 666 "$DIR/dovecot/dovecot.log" # written by processes running as nobody too

  # Daemons must not inherit our stdout/stderr: a caller reading them (Node's execFile) would
  # otherwise wait for EOF until the servers exit.
  /usr/sbin/dovecot -c "$DIR/dovecot/dovecot.conf" </dev/null >>"$DIR/dovecot/dovecot.log" 2>&1 ||
    { show_logs; die "dovecot failed to start"; }
  # `postfix start` creates the queue directories with the right owners (post-install create-missing).
  if ! /usr/sbin/postfix -c "$DIR/postfix/etc" start </dev/null >"$DIR/postfix/start.log" 2>&1; then
    cat "$DIR/postfix/start.log" >&2
    # Postfix reports fatal config errors only to syslog (absent in containers) or to a TTY.
    script -qec "/usr/sbin/postfix -c '$DIR/postfix/etc' check" /dev/null </dev/null >&2 || true
    show_logs
    cmd_stop "$DIR" || true
    die "postfix failed to start"
  fi

  local ok='' i
  for ((i = 0; i < 300; i++)); do
    if port_greets "$IMAP_PORT" '* OK' && port_greets "$SMTP_PORT" '220' && port_greets "$LMTP_PORT" '220'; then
      ok=1
      break
    fi
    sleep 0.1
  done
  if [ -z "$ok" ]; then
    show_logs
    cmd_stop "$DIR" || true
    die "servers did not answer within 30s"
  fi
  t1=$(date +%s.%N)
  log "started in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')s"
  printf 'IMAP_PORT=%s\nSMTP_PORT=%s\nLMTP_PORT=%s\nMAIL_DIR=%s\n' "$IMAP_PORT" "$SMTP_PORT" "$LMTP_PORT" "$DIR"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  *) die "usage: $0 install | start DIR | stop DIR | status DIR" ;;
esac
