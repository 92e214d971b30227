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

# The map (issue 16): Leaflet and its marker clusters, served from /static/vendor/{lib}/{file}.
leaflet=${LEAFLET_VERSION:-1.9.4}
npm pack --silent "leaflet@$leaflet" >/dev/null
rm -rf package && tar xzf "leaflet-$leaflet.tgz"
dest="$root/crates/web/assets/vendor/leaflet"
rm -rf "$dest" && mkdir -p "$dest/images"
cp package/dist/leaflet.js package/dist/leaflet.css package/LICENSE "$dest/"
cp package/dist/images/marker-icon.png package/dist/images/marker-icon-2x.png package/dist/images/marker-shadow.png "$dest/images/"
echo "leaflet $leaflet" > "$dest/VERSION"
echo "vendored leaflet $leaflet into $dest"

cluster=${LEAFLET_MARKERCLUSTER_VERSION:-1.5.3}
npm pack --silent "leaflet.markercluster@$cluster" >/dev/null
rm -rf package && tar xzf "leaflet.markercluster-$cluster.tgz"
dest="$root/crates/web/assets/vendor/leaflet.markercluster"
rm -rf "$dest" && mkdir -p "$dest"
cp package/dist/leaflet.markercluster.js package/dist/MarkerCluster.css package/dist/MarkerCluster.Default.css package/MIT-LICENCE.txt "$dest/"
chmod 644 "$dest"/*
echo "leaflet.markercluster $cluster" > "$dest/VERSION"
echo "vendored leaflet.markercluster $cluster into $dest"
