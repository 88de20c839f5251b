#!/usr/bin/env bash
# Running the portal in the foreground for `make start`: the full log goes to data/logs/portal.log,
# the terminal shows warnings, errors and the address once the portal is ready, and Ctrl-C stops
# the portal and everything this script started (the fixture servers). Sourced after lib.sh.

PORTAL_LOG="$ROOT/data/logs/portal.log"

# show_portal_log: reads the backend's log lines and prints only what a person at the terminal
# needs: warnings, errors, and the address once every plugin has started. (Every HTTP request is
# logged at info level: about 2,200 lines in 12 minutes of use.)
show_portal_log() {
  local line plain
  while IFS= read -r line; do
    plain=$(printf '%s' "$line" | sed 's/\x1b\[[0-9;]*m//g')
    case "$plain" in
      *' warn '* | *' error '* | *Error:* | *ERR!* | '[supervisor]'*) printf '%s\n' "$line" ;;
      *'Plugin initialization complete'*)
        log "StackTalk Portal is ready: http://localhost:7007  (Ctrl-C stops it; full log: ${PORTAL_LOG#"$ROOT/"})" ;;
    esac
  done
}

# The fixture servers this run started (start_*_fixture sets <NAME>_FIXTURE_PID only when it
# starts one; a fixture that was already running is left alone).
started_fixture_pids() {
  local var
  for var in $(compgen -v | grep '_FIXTURE_PID$' || true); do
    [ -n "${!var:-}" ] && echo "${!var}"
  done
  return 0
}

# stop_started_processes: stops what this run started, and only that. Safe to call twice.
stop_started_processes() {
  local pid fixtures var
  fixtures=$(started_fixture_pids)
  for pid in ${PORTAL_PID:-} ${LOG_TAIL_PID:-} $fixtures; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  # Give them a few seconds to stop, then make sure.
  for _ in $(seq 1 50); do
    local alive=0
    for pid in ${PORTAL_PID:-} $fixtures; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in $fixtures; do kill -KILL "$pid" 2>/dev/null || true; done
  PORTAL_PID='' LOG_TAIL_PID=''
  for var in $(compgen -v | grep '_FIXTURE_PID$' || true); do printf -v "$var" '%s' ''; done
}

# run_portal BACKEND-ARGS...: runs the backend until it exits or Ctrl-C. Exits 0 after Ctrl-C (no
# "make: *** Error 130"), else with the backend's status.
run_portal() {
  mkdir -p "$(dirname "$PORTAL_LOG")"
  [ -f "$PORTAL_LOG" ] && mv "$PORTAL_LOG" "$PORTAL_LOG.1"
  : > "$PORTAL_LOG"
  log "starting StackTalk Portal (ready in about a minute; full log in ${PORTAL_LOG#"$ROOT/"}, warnings and errors show here)"
  trap stop_started_processes EXIT
  local interrupted=0 status=0 stop_asked_at=0
  # Ctrl-C: stop gracefully (Backstage waits for open long-polls, up to ~30 s); again: at once
  # (a second TERM makes the supervisor SIGKILL the backend).
  trap 'if [ "$interrupted" = 1 ]; then kill -TERM "${PORTAL_PID:-0}" 2>/dev/null || true; else
          interrupted=1; stop_asked_at=$SECONDS
          log "stopping StackTalk Portal… (Ctrl-C again to stop it at once)"
          kill -TERM "${PORTAL_PID:-0}" 2>/dev/null || true; fi' INT TERM
  # Under the supervisor: a change applied on the Plugins page restarts the backend, and a start
  # that fails after one is retried (it rolls the change back).
  node "$ROOT/scripts/supervise.mjs" -- "${BACKEND_CMD[@]}" "$@" >> "$PORTAL_LOG" 2>&1 &
  PORTAL_PID=$!
  # The filter ends when tail is stopped (end of its input).
  tail -n +1 -F "$PORTAL_LOG" 2> /dev/null > >(show_portal_log) &
  LOG_TAIL_PID=$!
  while kill -0 "$PORTAL_PID" 2>/dev/null; do
    sleep 0.5 || true
    if [ "$interrupted" = 1 ] && (( SECONDS - stop_asked_at >= 10 )) && [ "$stop_asked_at" != -1 ]; then
      kill -TERM "$PORTAL_PID" 2>/dev/null || true
      stop_asked_at=-1
    fi
  done
  wait "$PORTAL_PID" 2>/dev/null && status=0 || status=$?
  stop_started_processes
  if [ "$interrupted" = 1 ]; then
    log "stopped"
    return 0
  fi
  warn "StackTalk Portal exited (status $status); the end of ${PORTAL_LOG#"$ROOT/"}:"
  tail -n 20 "$PORTAL_LOG" >&2
  return "$status"
}
