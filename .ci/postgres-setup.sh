#!/usr/bin/env bash
# Issue 15: a throwaway PostgreSQL cluster for the audit and account tests (Debian's postgresql,
# initdb + pg_ctl as the non-root user postgres, a free loopback port, a temp folder).
# Prints shell lines for the caller to eval: the URL the tests read, and a trap that stops it.
#   eval "$(bash .ci/postgres-setup.sh)"
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d /tmp/esi-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
(umask 077; echo "$password" >"$dir/pw")
[ "$(id -u)" = 0 ] && chown postgres "$dir/pw"
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U esi --pwfile="$dir/pw" -A scram-sha-256 >&2
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir" start >&2
echo "export ESI_DOCS_TEST_PG_URL=postgresql://esi:$password@127.0.0.1:$port/postgres"
echo "trap '${as_pg[*]} $bin/pg_ctl -D $dir/data -m fast stop >/dev/null; rm -rf $dir' EXIT"
