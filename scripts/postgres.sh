#!/usr/bin/env bash
# A local PostgreSQL server for the API's tests: Debian's packages, listening on loopback only,
# with a login role `repat` (allowed to create databases: each test makes its own) and a
# database `repat_test` it owns.  Prints the server's URL, for REPAT_TEST_POSTGRES_URL, on
# stdout; everything else goes to stderr.
#
# Idempotent: when the server is up, reachable as `repat` and loopback only, it only checks
# that (well under a second, no root needed).  Otherwise it installs `postgresql` with apt if
# missing, creates and starts a cluster, keeps it on loopback and makes the role and database,
# as root (or through sudo).
#
# Environment: REPAT_TEST_POSTGRES_URL set  -> use that server as it is, change nothing;
#              REPAT_SKIP_POSTGRES=1        -> do nothing, print nothing (the tests skip it).
set -euo pipefail

ROLE=repat
PASSWORD=repat-test-only # a throwaway server that only loopback clients can reach
DATABASE=repat_test

# psql connects where this script says, whatever the caller's environment names.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE PGSERVICE PGSERVICEFILE PGOPTIONS

say() { echo "postgres: $*" >&2; }
die() {
    say "$*"
    exit 1
}

if [[ -n "${REPAT_TEST_POSTGRES_URL:-}" ]]; then
    say "using the server of REPAT_TEST_POSTGRES_URL as it is"
    echo "$REPAT_TEST_POSTGRES_URL"
    exit 0
fi
if [[ "${REPAT_SKIP_POSTGRES:-}" == 1 ]]; then
    say "REPAT_SKIP_POSTGRES=1: no server, the tests on PostgreSQL are skipped"
    exit 0
fi

# The cluster the tests use: Debian's `main` cluster of the newest version, else the first.
# Sets VERSION, NAME, PORT and STATUS; returns 1 when there is no cluster at all.
find_cluster() {
    local line
    command -v pg_lsclusters >/dev/null || return 1
    line=$(pg_lsclusters -h 2>/dev/null | sort -k1,1V | awk '$2 == "main"' | tail -n 1)
    [[ -n "$line" ]] || line=$(pg_lsclusters -h 2>/dev/null | head -n 1)
    [[ -n "$line" ]] || return 1
    read -r VERSION NAME PORT STATUS _ <<<"$line"
}

url() { echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"; }

# Connects as the tests will: over TCP to 127.0.0.1, with the password.
as_repat() {
    PGPASSWORD=$PASSWORD PGCONNECT_TIMEOUT=5 psql -X -q -A -t -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d "$DATABASE" "$@"
}

loopback_only() { # the value of listen_addresses
    case "$1" in
        localhost | 127.0.0.1 | ::1 | "127.0.0.1,::1" | "::1,127.0.0.1" | "localhost,127.0.0.1" | "127.0.0.1,localhost") return 0 ;;
        *) return 1 ;;
    esac
}

ready() {
    local answer
    find_cluster && [[ "$STATUS" == online ]] && command -v psql >/dev/null || return 1
    answer=$(as_repat -F '|' -c "SELECT current_setting('listen_addresses'), rolcreatedb
                                   FROM pg_roles WHERE rolname = current_user" 2>/dev/null) || return 1
    loopback_only "${answer%|*}" && [[ "${answer#*|}" == t ]]
}

# The quick path: nothing to do.
if ready; then
    url
    exit 0
fi

# The rest needs root.
if [[ $(id -u) == 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null; then
    SUDO=(sudo)
else
    die "setting up PostgreSQL needs root (or sudo); or set REPAT_SKIP_POSTGRES=1 to skip its tests"
fi
as_postgres() { "${SUDO[@]}" runuser -u postgres -- psql -X -q -A -t -v ON_ERROR_STOP=1 -p "$PORT" "$@"; }

if ! command -v pg_lsclusters >/dev/null || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get: install it"
    say "installing Debian's postgresql"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
fi

if ! find_cluster; then
    VERSION=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' | awk -F/ '{print $5}' | sort -V | tail -n 1)
    [[ -n "$VERSION" ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql"
    say "creating cluster $VERSION/main"
    "${SUDO[@]}" pg_createcluster "$VERSION" main >&2
    find_cluster || die "pg_createcluster made no cluster"
fi

if [[ "$STATUS" != online* ]]; then
    say "starting cluster $VERSION/$NAME (port $PORT)"
    # 2: it was already running (started by someone else meanwhile).
    "${SUDO[@]}" pg_ctlcluster "$VERSION" "$NAME" start >&2 || [[ $? == 2 ]] || die "could not start cluster $VERSION/$NAME"
fi

# Loopback only.  ALTER SYSTEM's file is read last, so it wins over postgresql.conf and conf.d.
listen=$(as_postgres -c "SHOW listen_addresses")
if ! loopback_only "$listen"; then
    say "listen_addresses was '$listen': setting it to 'localhost' and restarting"
    as_postgres -c "ALTER SYSTEM SET listen_addresses = 'localhost'"
    "${SUDO[@]}" pg_ctlcluster "$VERSION" "$NAME" restart >&2
    listen=$(as_postgres -c "SHOW listen_addresses")
    loopback_only "$listen" || die "listen_addresses is still '$listen' (a -c option in pg_ctl.conf?)"
fi

# The role (its password set every time, so it is the one above) and the database.
as_postgres -d postgres -v role="$ROLE" -v password="$PASSWORD" -v database="$DATABASE" <<'SQL'
SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')
\gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'password')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database')
\gexec
SQL

ready || die "cluster $VERSION/$NAME is up but not reachable as $ROLE on 127.0.0.1:$PORT (pg_hba.conf?)"
say "ready: cluster $VERSION/$NAME on 127.0.0.1:$PORT, loopback only"
url
