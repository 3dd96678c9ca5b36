#!/usr/bin/env bash
# Starts PostgreSQL 15 on 127.0.0.1 for the test suite and prints the admin URL the tests use
# (TESSERA_TEST_DATABASE_URL). Uses the machine's installed cluster; creates it if the package left none.
set -euo pipefail
# Only the URL goes to stdout: pg_ctlcluster and friends print notices (systemd hints, stale pid files) that would
# otherwise end up inside the captured URL. The server daemon must not inherit fd 3: a caller reading our stdout
# through a pipe would then wait for the daemon to exit (CI hung for 90 minutes on exactly that).
exec 3>&1 1>&2
PORT="${TESSERA_CI_PG_PORT:-5432}"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi
if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 \+main'; then
  pg_createcluster 15 main --port "$PORT" >/dev/null 3>&-
fi
if ! pg_lsclusters -h | grep '^15 \+main' | grep -q online; then
  pg_ctlcluster 15 main start 3>&- </dev/null
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 1
done
su postgres -c "psql -q -p $PORT -v ON_ERROR_STOP=1" >/dev/null <<'SQL'
do $$ begin
  if not exists (select from pg_roles where rolname = 'tessera_ci') then
    create role tessera_ci login createdb password 'tessera_ci';
  end if;
end $$;
-- Tests drop their databases WITH (FORCE), which must end an autovacuum worker that happens to be in one.
grant pg_signal_backend to tessera_ci;
SQL
if ! su postgres -c "psql -tA -p $PORT -c \"select 1 from pg_database where datname = 'tessera_ci'\"" | grep -q 1; then
  su postgres -c "createdb -p $PORT -O tessera_ci tessera_ci"
fi
pg_isready -q -h 127.0.0.1 -p "$PORT" || { echo "PostgreSQL did not start on port $PORT"; exit 1; }
echo "postgres://tessera_ci:tessera_ci@127.0.0.1:${PORT}/tessera_ci" >&3
