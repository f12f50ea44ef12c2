#!/usr/bin/env bash
# Find Odoo 19 and print three lines: the folder holding the `odoo` package, Odoo's
# own addons path, and how it was found (importable / source / debian). In this order:
#   1. an importable `odoo` of series 19.0 in $PYTHON;
#   2. $ODOO_SRC, a source checkout (odoo/ and addons/ side by side);
#   3. Debian unstable's `odoo-19` package, fetched alone through a private apt
#      state whose only source is `sid` on the mirror this machine already uses,
#      unpacked with dpkg -x into .odoo/ (never installed).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ODOO_DIR="$ROOT/.odoo"

print_paths() { # $1: folder holding the odoo package, $2: how it was found
    local pyroot="$1" addons="$1/odoo/addons"
    # A source checkout keeps most addons beside odoo/, next to odoo-bin.
    [ -f "$pyroot/odoo-bin" ] && [ -d "$pyroot/addons/web" ] && addons="$addons,$pyroot/addons"
    printf '%s\n%s\n%s\n' "$pyroot" "$addons" "$2"
}

is_odoo19() { # $1: folder holding the odoo package
    [ -f "$1/odoo/release.py" ] &&
        grep -Eq "^version_info = \(19, 0," "$1/odoo/release.py"
}

# 1. An importable odoo in the chosen Python.
if pyroot=$("$PYTHON" - 2>/dev/null <<'PY'
import os, odoo.release as r
assert r.version_info[:2] == (19, 0)
print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))
PY
); then
    print_paths "$pyroot" importable
    exit 0
fi

# 2. A source checkout.
if [ -n "${ODOO_SRC:-}" ]; then
    is_odoo19 "$ODOO_SRC" || die "ODOO_SRC=$ODOO_SRC is not an Odoo 19.0 source checkout"
    print_paths "$(cd "$ODOO_SRC" && pwd)" source
    exit 0
fi

# 3. Debian's odoo-19 package, unpacked once.
TREE="$ODOO_DIR/tree"
PYROOT="$TREE/usr/lib/python3/dist-packages"
if [ ! -f "$TREE/.complete" ]; then
    command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
        die "no Odoo 19 found: set ODOO_SRC to a 19.0 checkout, or make odoo importable in $PYTHON"
    mirror=$(python3 - <<'PY'
"""Print the URI of the main Debian archive this machine's apt is configured with."""
import glob, re
uris = []
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for stanza in re.split(r"\n\s*\n", open(path).read()):
        fields = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.M))
        if "deb" in fields.get("Types", "").split() and fields.get("Enabled", "yes") != "no":
            suites = fields.get("Suites", "").split()
            if any("-" not in s for s in suites):
                uris += fields.get("URIs", "").split()
for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        lines = open(path).read().splitlines()
    except OSError:
        continue
    for line in lines:
        m = re.match(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)", line.strip())
        if m and "-" not in m.group(2):
            uris.append(m.group(1))
debian = [u for u in uris if re.search(r"/debian/?$", u)]
print((debian or uris or [""])[0])
PY
)
    [ -n "$mirror" ] || die "no Debian mirror found in this machine's apt sources; set ODOO_SRC instead"
    say "Fetching Debian's odoo-19 package (unstable) through the configured mirror"
    APT="$ODOO_DIR/apt"
    rm -rf "$APT" "$TREE"
    mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/deb"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    echo "deb [signed-by=$keyring] $mirror sid main" >"$APT/sources.list"
    apt_opts=(
        -o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
        -o Dir::State::status=/dev/null -o APT::Sandbox::User=root
    )
    apt-get "${apt_opts[@]}" -q update >"$APT/update.log" 2>&1 ||
        die "apt-get update of the sid index failed: see $APT/update.log"
    (cd "$APT/deb" && apt-get "${apt_opts[@]}" -q download odoo-19 >"$APT/download.log" 2>&1) ||
        die "downloading odoo-19 failed: see $APT/download.log"
    say "Unpacking $(basename "$APT"/deb/odoo-19_*.deb)"
    dpkg -x "$APT"/deb/odoo-19_*.deb "$TREE"
    # The package links its web assets into /usr/share of the tree, which Debian
    # fills from other packages (installed by system_packages.sh): link the system's.
    for shared in javascript fonts fonts-font-awesome; do
        rm -rf "${TREE:?}/usr/share/$shared"
        ln -s "/usr/share/$shared" "$TREE/usr/share/$shared"
    done
    # Debian removes this asset from the source; without it every backend page
    # logs a console error and every browser test fails.
    stub="$PYROOT/odoo/addons/mail/static/lib/selfie_segmentation/selfie_segmentation.js"
    mkdir -p "$(dirname "$stub")"
    [ -f "$stub" ] || echo "/* removed by Debian; empty stub */" >"$stub"
    rm -rf "$APT/lists" "$APT/cache"
    is_odoo19 "$PYROOT" || die "the unpacked odoo-19 package is not Odoo 19.0"
    touch "$TREE/.complete"
fi
print_paths "$PYROOT" debian
