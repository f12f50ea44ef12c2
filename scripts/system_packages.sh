#!/usr/bin/env bash
# Install the Debian packages Odoo's web client, PDF reports and the tests need,
# only those that are missing. The JavaScript and font packages fill the links of
# Debian's odoo-19 tree (see docs/odoo19-runtime.md in the shared docs).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PACKAGES=(
    wkhtmltopdf poppler-utils chromium
    libjs-jquery libjs-jquery-form libjs-underscore
    fonts-font-awesome fonts-roboto-unhinted fonts-inconsolata fonts-ocr-b
    fonts-glyphicons-halflings gsfonts
    libmagic1 curl tesseract-ocr
)
# psql, createdb and pg_dump come with any PostgreSQL client version.
command -v psql >/dev/null || PACKAGES+=(postgresql-client)

missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

command -v apt-get >/dev/null ||
    die "these packages are missing and this is not a Debian-like system: ${missing[*]}"
say "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -q >/dev/null ||
    die "cannot run apt-get as root (no root, no password-less sudo); install: ${missing[*]}"
as_root apt-get install -y -q --no-install-recommends "${missing[@]}" >"$RUN_DIR/apt.log" 2>&1 ||
    die "apt-get install failed for ${missing[*]}: see $RUN_DIR/apt.log"
