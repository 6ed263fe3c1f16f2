#!/usr/bin/env bash
# Nightly backup of the database and the attachments, keeping 14 days:
#   /opt/tierdesk/deploy/backup.sh /var/backups/tierdesk
# (cron: 15 2 * * * tierdesk /opt/tierdesk/deploy/backup.sh /var/backups/tierdesk)
# Reads DATABASE_URL and ATTACHMENTS_DIR from /etc/tierdesk/tierdesk.env unless already set.
set -euo pipefail
DEST=${1:?usage: backup.sh DEST_DIR}
if [ -z "${DATABASE_URL:-}" ] && [ -r /etc/tierdesk/tierdesk.env ]; then
  set -a; . /etc/tierdesk/tierdesk.env; set +a
fi
: "${DATABASE_URL:?set DATABASE_URL}"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$DEST"
case "$DATABASE_URL" in
  postgresql*)
    # pg_dump wants a libpq URL: drop SQLAlchemy's "+psycopg" driver name.
    pg_dump --format=custom --file="$DEST/tierdesk-$STAMP.dump" "${DATABASE_URL/+psycopg/}"
    ;;
  sqlite:///*)
    # The online backup API copies a consistent snapshot while the app keeps writing (WAL).
    python3 -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close()' \
      "${DATABASE_URL#sqlite:///}" "$DEST/tierdesk-$STAMP.db"
    ;;
  *) echo "backup.sh: unknown database URL scheme" >&2; exit 1 ;;
esac
if [ -n "${ATTACHMENTS_DIR:-}" ] && [ -d "$ATTACHMENTS_DIR" ]; then
  tar -C "$(dirname "$ATTACHMENTS_DIR")" -czf "$DEST/attachments-$STAMP.tar.gz" "$(basename "$ATTACHMENTS_DIR")"
fi
find "$DEST" -maxdepth 1 -name 'tierdesk-*' -mtime +14 -delete
find "$DEST" -maxdepth 1 -name 'attachments-*' -mtime +14 -delete
echo "backed up to $DEST ($STAMP)"
