// Maps over the vendored Leaflet: <div class="map" data-map="show|pick" data-tiles="URL template"
// data-subdomains data-attribution data-center="lat,lng" data-zoom data-max-zoom
// data-points="id of a <script type=application/json> block">. "show" puts the points on the map
// as clustered markers, each linking to its page; "pick" lets the citizen place one pin (a click,
// or "使用我的位置"), which fills the form's hidden latitude and longitude. Without JavaScript, or if
// Leaflet did not load, nothing is drawn and the page reads by its text.
(function () {
  "use strict";
  if (!window.L) return;
  var L = window.L;

  function round(v) { return Math.round(v * 1e6) / 1e6; }

  function draw(el) {
    var center = (el.getAttribute("data-center") || "0,0").split(",").map(Number);
    var zoom = Number(el.getAttribute("data-zoom")) || 12;
    var maxZoom = Number(el.getAttribute("data-max-zoom")) || 18;
    var subdomains = (el.getAttribute("data-subdomains") || "").split(",").filter(Boolean);
    el.classList.add("map-ready");
    // The controls speak the page's language (the library's own titles are English).
    var map = L.map(el, { center: center, zoom: zoom, maxZoom: maxZoom, zoomControl: false });
    L.control.zoom({
      zoomInTitle: el.getAttribute("data-zoom-in") || "+",
      zoomOutTitle: el.getAttribute("data-zoom-out") || "-"
    }).addTo(map);
    // The provider's credit only: no English library name on a Chinese page.
    map.attributionControl.setPrefix(false);
    var options = { maxZoom: maxZoom, attribution: el.getAttribute("data-attribution") || "" };
    if (subdomains.length) options.subdomains = subdomains;
    L.tileLayer(el.getAttribute("data-tiles"), options).addTo(map);

    var block = document.getElementById(el.getAttribute("data-points"));
    var points = [];
    try { points = block ? JSON.parse(block.textContent) : []; } catch (e) { points = []; }

    if (el.getAttribute("data-map") === "pick") return pick(el, map);

    var layer = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.marker([p.lat, p.lng], { title: p.label, alt: p.label });
      var link = document.createElement("a");
      link.href = p.href;
      link.textContent = p.label;
      // No close button (its label is the library's English): a click on the map closes it.
      marker.bindPopup(link, { closeButton: false });
      layer.addLayer(marker);
      bounds.push([p.lat, p.lng]);
    });
    map.addLayer(layer);
    if (bounds.length === 1) map.setView(bounds[0], Math.max(zoom, 15));
    else if (bounds.length > 1) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
  }

  function pick(el, map) {
    var form = el.closest("form");
    if (!form) return;
    var lat = form.querySelector("input[name=latitude]");
    var lng = form.querySelector("input[name=longitude]");
    var pin = null;
    function place(latlng) {
      if (pin) pin.setLatLng(latlng);
      else pin = L.marker(latlng, { alt: el.getAttribute("data-pin") || "" }).addTo(map);
      lat.value = round(latlng.lat);
      lng.value = round(latlng.lng);
      el.setAttribute("data-picked", "true");
    }
    if (lat.value && lng.value) {
      var at = L.latLng(Number(lat.value), Number(lng.value));
      place(at);
      map.setView(at, Math.max(map.getZoom(), 15));
    }
    map.on("click", function (ev) { place(ev.latlng); });

    var button = document.getElementById("use-location");
    var status = document.getElementById("location-status");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) status.textContent = button.getAttribute("data-locating");
      navigator.geolocation.getCurrentPosition(function (pos) {
        var at = L.latLng(pos.coords.latitude, pos.coords.longitude);
        place(at);
        map.setView(at, 16);
        if (status) status.textContent = button.getAttribute("data-located");
      }, function () {
        if (status) status.textContent = button.getAttribute("data-unlocated");
      }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  document.querySelectorAll(".map[data-map]").forEach(draw);
})();
