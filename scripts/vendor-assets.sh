#!/usr/bin/env bash
# Refreshes the front-end files vendored into the binary from the npm registry. Nothing is
# downloaded at build or run time; re-run this by hand to upgrade, then commit the result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

swagger=${SWAGGER_UI_VERSION:-5.35.0}
npm pack --silent "swagger-ui-dist@$swagger" >/dev/null
tar xzf "swagger-ui-dist-$swagger.tgz"
dest="$root/crates/web/assets/vendor/swagger-ui"
mkdir -p "$dest"
cp package/swagger-ui-bundle.js package/swagger-ui.css package/LICENSE package/NOTICE package/favicon-32x32.png "$dest/"
echo "swagger-ui-dist $swagger" > "$dest/VERSION"
echo "vendored swagger-ui-dist $swagger into $dest"
