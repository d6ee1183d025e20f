/* pakn's maps, on Leaflet (both served by pakn, and loaded only when the operator sets PAKN_MAP_TILES).
   No inline script (the Content-Security-Policy forbids it): each map reads its settings from its
   element's data- attributes. The maps are an extra: the filing form works without them (with the
   keyboard, and without JavaScript), and the published list says everything its map shows.

   data-map="pick"       the filing form: a tap or click places the pin, the pin can be dragged, Enter
                         puts it at the centre; the pin fills #latitude and #longitude; "use my
                         location" (pakn.js, event pakn:located) moves it.
   data-map="published"  /public: the items of data-source (GeoJSON), each linking to its page.
   data-map="item"       a published item's page: its (rounded) place. */
(function () {
  "use strict";
  if (!window.L) return;

  var en = document.documentElement.lang === "en";
  var PIN_ZOOM = 16;
  var HANOI = [21.0285, 105.8542];

  function words(vi, english) {
    return en ? english : vi;
  }

  // Leaflet writes the attribution as HTML; the operator's setting is text.
  function asHtml(text) {
    var element = document.createElement("span");
    element.textContent = text;
    return element.innerHTML;
  }

  function position(latitude, longitude) {
    var lat = parseFloat(latitude);
    var lon = parseFloat(longitude);
    if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return L.latLng(lat, lon);
  }

  function centreOf(element) {
    var parts = (element.getAttribute("data-centre") || "").split(",");
    return position(parts[0], parts[1]) || L.latLng(HANOI[0], HANOI[1]);
  }

  function zoomOf(element) {
    var zoom = parseInt(element.getAttribute("data-zoom"), 10);
    return isFinite(zoom) ? zoom : 12;
  }

  function baseMap(element, view, zoom) {
    var box = element.closest(".js-map-box") || element;
    box.hidden = false; // shown only now: without this script there is no empty frame
    // Scrolling the page over a map must scroll the page, not zoom the map.
    var map = L.map(element, { scrollWheelZoom: false }).setView(view, zoom);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    L.tileLayer(element.getAttribute("data-tiles"), {
      maxZoom: 19,
      attribution: asHtml(element.getAttribute("data-attribution") || ""),
    }).addTo(map);
    return map;
  }

  // --- the filing form -------------------------------------------------------------------------------

  function setUpPicker(element) {
    var lat = document.getElementById("latitude");
    var lon = document.getElementById("longitude");
    if (!lat || !lon) return;
    var status = document.getElementById("locate-status");
    var clear = document.querySelector(".js-map-clear");
    var kept = position(lat.value, lon.value); // a form shown again after an error keeps the pin
    var map = baseMap(element, kept || centreOf(element), kept ? PIN_ZOOM : zoomOf(element));
    var marker = null;

    function say(text) {
      if (status) status.textContent = text;
    }

    function show(place) {
      if (marker) {
        marker.setLatLng(place);
      } else {
        var name = words("Ghim nơi xảy ra", "Pin: place of the problem");
        marker = L.marker(place, { draggable: true, autoPan: true, title: name, alt: name }).addTo(map);
        marker.on("dragend", function () {
          record(marker.getLatLng());
        });
      }
      if (clear) clear.hidden = false;
    }

    function record(place) {
      place = place.wrap();
      show(place);
      lat.value = place.lat.toFixed(6);
      lon.value = place.lng.toFixed(6);
      say(words("Đã ghi nhận vị trí trên bản đồ.", "Location recorded on the map."));
    }

    if (kept) show(kept);
    map.on("click", function (event) {
      record(event.latlng);
    });
    // Keyboard: the arrows move the map and + / − zoom (Leaflet); Enter or Space pins its centre.
    element.addEventListener("keydown", function (event) {
      if (event.target !== element) return; // a focused marker or button has its own keys
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        record(map.getCenter());
      }
    });
    document.addEventListener("pakn:located", function (event) {
      var place = position(event.detail.latitude, event.detail.longitude);
      if (!place) return;
      show(place);
      map.setView(place, PIN_ZOOM);
    });
    if (clear) {
      clear.addEventListener("click", function () {
        if (marker) map.removeLayer(marker);
        marker = null;
        lat.value = "";
        lon.value = "";
        clear.hidden = true;
        say(words("Đã bỏ vị trí.", "Location removed."));
      });
    }
  }

  // --- published answers -----------------------------------------------------------------------------

  function popup(properties, statuses) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/public/" + encodeURIComponent(properties.code);
    link.textContent = properties.title;
    var line = document.createElement("p");
    line.className = "hint";
    line.textContent = properties.code + " · " + (statuses[properties.status] || properties.status);
    box.appendChild(link);
    box.appendChild(line);
    return box;
  }

  function setUpPublished(element) {
    var map = baseMap(element, centreOf(element), zoomOf(element));
    var statuses = {};
    try {
      statuses = JSON.parse(element.getAttribute("data-statuses") || "{}");
    } catch (error) {
      statuses = {};
    }
    fetch(element.getAttribute("data-source"), { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, place) {
            var title = feature.properties.title;
            return L.marker(place, { title: title, alt: title });
          },
          onEachFeature: function (feature, marker) {
            marker.bindPopup(popup(feature.properties, statuses));
          },
        }).addTo(map);
        if (data.features.length) {
          map.fitBounds(layer.getBounds(), { maxZoom: PIN_ZOOM, padding: [24, 24] });
        }
        element.setAttribute("data-markers", String(data.features.length));
      })
      .catch(function () {
        element.setAttribute("data-markers", "0"); // the list below the map still shows every item
      });
  }

  function setUpItem(element) {
    var place = position(element.getAttribute("data-lat"), element.getAttribute("data-lon"));
    if (!place) return;
    var map = baseMap(element, place, PIN_ZOOM);
    var title = element.getAttribute("data-title") || "";
    L.marker(place, { title: title, alt: title, keyboard: false }).addTo(map);
  }

  function start() {
    var kinds = { pick: setUpPicker, published: setUpPublished, item: setUpItem };
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), function (element) {
      var setUp = kinds[element.getAttribute("data-map")];
      if (setUp) setUp(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
