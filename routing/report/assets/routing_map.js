/* routing_map.js: draws a plan map of routing (MIT) with Leaflet 1.9.
 *
 * The data is routing.report.layers.MapData.to_json(): title, subtitle, lang, crs (wgs84 or
 * gcj02), legend, layers (GeoJSON features whose properties say what the popups show) and
 * labels (the map's words in its language). The same JSON draws map.html, report.html's map
 * and any other page that loads Leaflet and this file:
 *
 *   routingMap(elementOrId, data, {tiles: {url, name, attribution, subdomains, maxZoom, crs}})
 *   routingMaps([left, right], [leftData, rightData], options)  // side by side, in sync
 *
 * ``tiles`` null (or left out) draws the layers alone; a tile source in GCJ-02 (Amap's) gets
 * the points shifted to GCJ-02 here when the data are WGS84 (and back the other way).
 * routingMaps needs Leaflet.Sync.
 */
(function (root) {
  "use strict";

  var CSS = [
    ".leaflet-container { font-size: 1rem; }",
    ".routing-title { background: rgba(255,255,255,.92); padding: 6px 10px; border-radius: 4px;",
    "  box-shadow: 0 1px 4px rgba(0,0,0,.35); font: 14px/1.35 system-ui, sans-serif;",
    "  max-width: 46vw; }",
    ".routing-title b { font-size: 15px; }",
    ".routing-legend { background: rgba(255,255,255,.92); padding: 6px 9px; border-radius: 4px;",
    "  box-shadow: 0 1px 4px rgba(0,0,0,.35); font: 12px/1.5 system-ui, sans-serif; }",
    ".routing-legend .row { display: flex; align-items: center; gap: 6px; white-space: nowrap; }",
    ".routing-legend .sym { width: 24px; display: inline-flex; justify-content: center; }",
    ".routing-legend .dot { display: inline-block; border-radius: 50%; border: 2px solid; }",
    ".routing-legend .line { display: inline-block; width: 22px; height: 0;",
    "  border-top: 4px solid #1f77b4; }",
    ".routing-swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px -1px 0;",
    "  border-radius: 2px; }",
    ".stop-icon { background: none; border: none; }",
    ".stop-badge { width: 20px; height: 20px; border-radius: 10px; color: #fff;",
    "  font: bold 11px/20px system-ui, sans-serif; text-align: center; border: 1px solid #fff;",
    "  box-shadow: 0 0 2px rgba(0,0,0,.6); }",
    ".routing-popup table { border-collapse: collapse; margin-top: 4px; }",
    ".routing-popup td, .routing-popup th { border: 1px solid #ccc; padding: 1px 5px;",
    "  text-align: right; }",
    ".routing-popup th:first-child, .routing-popup td:first-child { text-align: left; }"
  ].join("\n");

  function addCss() {
    if (document.getElementById("routing-map-css")) { return; }
    var style = document.createElement("style");
    style.id = "routing-map-css";
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  // --- numbers and words -------------------------------------------------------------------

  function esc(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  /** Python's format(x, "g"): six significant digits, no trailing zeros. */
  function g(x) {
    var s = Number(x).toPrecision(6);
    if (s.indexOf("e") < 0 && s.indexOf(".") >= 0) { s = s.replace(/0+$/, "").replace(/\.$/, ""); }
    return s;
  }

  function money(x) {
    return Number(x).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  }

  function fill(text, fields) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in fields ? fields[k] : m; });
  }

  // --- GCJ-02 (Amap's datum), as routing.io.coords -----------------------------------------

  var A = 6378245.0, EE = 0.00669342162296594323, PI = Math.PI;

  function tLat(x, y) {
    var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    r += (160.0 * Math.sin(y / 12.0 * PI) + 320 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    return r;
  }

  function tLon(x, y) {
    var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    r += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    r += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    return r;
  }

  function toGcj02(p) {
    var lon = p[0], lat = p[1];
    var radlat = lat / 180.0 * PI, magic = 1 - EE * Math.sin(radlat) * Math.sin(radlat);
    var sq = Math.sqrt(magic);
    var dlat = tLat(lon - 105.0, lat - 35.0) * 180.0 / ((A * (1 - EE)) / (magic * sq) * PI);
    var dlon = tLon(lon - 105.0, lat - 35.0) * 180.0 / (A / sq * Math.cos(radlat) * PI);
    return [lon + dlon, lat + dlat];
  }

  function toWgs84(p) {  // fixed-point inverse of toGcj02
    var x = p[0], y = p[1];
    for (var i = 0; i < 30; i++) {
      var f = toGcj02([x, y]), dx = f[0] - p[0], dy = f[1] - p[1];
      x -= dx; y -= dy;
      if (Math.abs(dx) < 1e-10 && Math.abs(dy) < 1e-10) { break; }
    }
    return [x, y];
  }

  function shifted(data, crs) {
    if ((data.crs || "wgs84") === crs) { return data; }
    var fn = crs === "gcj02" ? toGcj02 : toWgs84;
    function round(p) { var q = fn(p); return [+q[0].toFixed(7), +q[1].toFixed(7)]; }
    var layers = data.layers.map(function (layer) {
      return Object.assign({}, layer, {features: layer.features.map(function (f) {
        var geom = f.geometry, c = geom.type === "Point" ? round(geom.coordinates)
          : geom.coordinates.map(round);
        return Object.assign({}, f, {geometry: {type: geom.type, coordinates: c}});
      })});
    });
    return Object.assign({}, data, {crs: crs, layers: layers});
  }

  // --- popups and tooltips -----------------------------------------------------------------

  function words(data) {
    var t = data.labels;
    function parcels(n) {
      var w = data.lang === "en" && n === 1 ? t.parcel : t.parcels;
      return n + " " + w;
    }
    function trip(p) {
      var parts = [];
      if ((p.trips || 1) > 1) { parts.push(fill(t.trip, {n: p.trip})); }
      if (p.echelon === "trunk" || p.echelon === "feeder") { parts.push(t[p.echelon]); }
      return parts.length ? " (" + parts.join(", ") + ")" : "";
    }
    function vehicle(p) { return p.plan ? p.plan + " · " + p.vehicle_id : p.vehicle_id; }
    return {t: t, parcels: parcels, trip: trip, vehicle: vehicle};
  }

  function amountRows(p, w) {
    var by = {}, order = [];
    [["down", 0], ["up", 1]].forEach(function (side) {
      p[side[0]].forEach(function (a) {
        if (!(a.carrier_name in by)) { by[a.carrier_name] = ["", ""]; order.push(a.carrier_name); }
        by[a.carrier_name][side[1]] = w.parcels(a.parcels) + " / " + g(a.kg) + " kg";
      });
    });
    if (!order.length) { return ""; }
    var rows = order.map(function (c) {
      return "<tr><td>" + esc(c) + "</td><td>" + esc(by[c][0]) + "</td><td>" + esc(by[c][1]) +
        "</td></tr>";
    }).join("");
    return "<table><tr><th>" + w.t.carrier + "</th><th>" + w.t.down + "</th><th>" + w.t.up +
      "</th></tr>" + rows + "</table>";
  }

  var POPUPS = {
    route: function (p, w, t) {
      return "<b>" + esc(w.vehicle(p)) + "</b> " + esc(p.vehicle_type_name) + esc(w.trip(p)) +
        "<br>" + t.start + " " + p.start + " (" + esc(p.depot_name) + ") · " + t.end + " " +
        p.end + "<br>" + (p.distance_km == null ? "" : p.distance_km.toFixed(1) + " " + t.km +
        " · ") + p.stops + " " + t.stops + (p.cost == null ? "" : " · " + money(p.cost) + " " +
        t.cny) + "<br>" + t.down + " " +
        w.parcels(p.parcels_down) + " · " + t.up + " " + w.parcels(p.parcels_up) +
        // a carrier's map (the web workspace) has no loads: they sum every carrier's parcels
        (p.load_at_start_kg == null ? "" : "<br>" + t.load_at_start + ": " +
         g(p.load_at_start_kg) + " kg / " + w.parcels(p.load_at_start_parcels));
    },
    stop: function (p, w, t) {
      var transfers = p.transfers.length ? "<br>" + t.transfers + ": " +
        esc(p.transfers.join(" ")) : "";
      return "<b>" + p.seq + ". " + esc(p.station_name) + "</b> (" + esc(p.station_id) + ")" +
        "<br>" + esc(w.vehicle(p)) + esc(w.trip(p)) + "<br>" + t.arrival + " " + p.arrival +
        " · " + t.departure + " " + p.departure + amountRows(p, w) + transfers +
        (p.load_kg == null ? "" : "<br>" + t.load + ": " + g(p.load_kg) + " kg / " +
         w.parcels(p.load_parcels));
    },
    carrier_stop: function (p, w, t) {
      return "<b>" + esc(p.carrier_name) + "</b> · " + esc(p.station_name) + " (" +
        esc(p.station_id) + ")<br>" + esc(w.vehicle(p)) + " #" + p.seq + " · " + t.arrival +
        " " + p.arrival + "<br>" + t.down + " " + w.parcels(p.parcels_down) + " / " +
        g(p.kg_down) + " kg · " + t.up + " " + w.parcels(p.parcels_up) + " / " + g(p.kg_up) +
        " kg";
    },
    unserved: function (p, w, t) {
      var plan = p.plan ? esc(p.plan) + ": " : "";
      return "<b>" + plan + esc(p.station_name) + "</b> (" + esc(p.station_id) + ") — " +
        t.unserved + "<br>" + t.lines + ": " + esc(p.lines.join(" ")) + "<br>" + t.reason +
        ": " + esc(p.reason);
    },
    station: function (p) {
      return "<b>" + esc(p.station_name) + "</b> (" + esc(p.station_id) + ")<br>" +
        esc(p.tier_label);
    }
  };

  function popup(p, w) {
    return '<div class="routing-popup">' + POPUPS[p.kind](p, w, w.t) + "</div>";
  }

  function tooltip(p, w) {
    var t = w.t;
    switch (p.kind) {
      case "route":
        return w.vehicle(p) + w.trip(p) + ": " + p.start + "–" + p.end +
          (p.distance_km == null ? "" : ", " + p.distance_km.toFixed(1) + " " + t.km);
      case "stop": return w.vehicle(p) + " #" + p.seq + " " + p.station_name + " " + p.arrival;
      case "carrier_stop": return p.carrier_name + ": " + p.station_name;
      case "unserved": return t.unserved + ": " + p.station_name;
      default: return p.station_name + " (" + p.tier_label + ")";
    }
  }

  // --- drawing -----------------------------------------------------------------------------

  function style(features) {
    var p = features[0].properties;
    switch (p.kind) {
      case "route":
        return {color: p.color, weight: 5, opacity: 0.85, className: "route-line"};
      case "stop": {
        var seqs = features.map(function (f) { return f.properties.seq; }).join(",");
        var width = Math.max(20, 7 * seqs.length + 8);
        return {badge: '<div class="stop-badge" style="background:' + p.color + ";width:" +
                       width + 'px">' + seqs + "</div>",
                size: [width, 20], anchor: [Math.floor(width / 2), 10]};
      }
      case "station":
        return {radius: p.radius, color: p.color, weight: 2, fillColor: p.fill_color,
                fillOpacity: 1.0, className: "station station-" + p.tier};
      case "carrier_stop":
        return {radius: 13, color: p.color, weight: 3, fill: false, className: "carrier-stop"};
      default:  // unserved
        return {radius: 14, color: p.color, weight: 3, dashArray: "5 4", fillColor: p.color,
                fillOpacity: 0.15, className: "unserved"};
    }
  }

  /** The features as drawn: several stops at one point become one badge listing their order
   * numbers (after the other features, in order of first appearance). */
  function drawn(layer, w) {
    var out = [], at = {}, keys = [];
    function one(fs) {
      return {type: "Feature", geometry: fs[0].geometry, properties: {
        style: style(fs),
        popup: fs.map(function (f) { return popup(f.properties, w); }).join("<hr>"),
        tooltip: fs.map(function (f) { return esc(tooltip(f.properties, w)); }).join("<br>")}};
    }
    layer.features.forEach(function (f) {
      if (f.properties.kind !== "stop") { out.push(one([f])); return; }
      var k = f.geometry.coordinates.join(",");
      if (!(k in at)) { at[k] = []; keys.push(k); }
      at[k].push(f);
    });
    keys.forEach(function (k) { out.push(one(at[k])); });
    return {type: "FeatureCollection", features: out};
  }

  function geoJsonLayer(collection) {
    return L.geoJSON(collection, {
      style: function (f) { return f.properties.style; },
      pointToLayer: function (f, latlng) {
        var s = f.properties.style;
        if (s.badge) {
          return L.marker(latlng, {icon: L.divIcon({html: s.badge, className: "stop-icon",
                                                    iconSize: s.size, iconAnchor: s.anchor})});
        }
        return L.circleMarker(latlng, s);
      },
      onEachFeature: function (f, layer) {
        layer.bindPopup(f.properties.popup, {maxWidth: 420});
        layer.bindTooltip(f.properties.tooltip, {sticky: true});
      }
    });
  }

  function legendHtml(data) {
    var rows = ["<b>" + esc(data.labels.legend) + "</b>"];
    data.legend.forEach(function (item) {
      var sym;
      if (item.kind === "tier") {
        var d = g(2 * item.radius);
        sym = '<span class="dot" style="width:' + d + "px;height:" + d + "px;background:" +
          item.fill_color + ";border-color:" + (item.color === "#ffffff" ? "#555" : item.color) +
          '"></span>';
      } else if (item.kind === "route") {
        sym = '<span class="line"></span>';
      } else if (item.kind === "stop") {
        sym = '<span class="stop-badge" style="background:#1f77b4;width:18px;height:18px;' +
          'line-height:18px">1</span>';
      } else {
        sym = '<span class="dot" style="width:18px;height:18px;border:3px dashed ' + item.color +
          ';background:rgba(224,0,0,.15)"></span>';
      }
      rows.push('<div class="row"><span class="sym">' + sym + "</span>" + esc(item.label) +
                "</div>");
    });
    return rows.join("");
  }

  function box(map, position, cssClass, html) {
    var control = L.control({position: position});
    control.onAdd = function () {
      var div = L.DomUtil.create("div", cssClass);
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
  }

  function bounds(datas) {
    var s = Infinity, w = Infinity, n = -Infinity, e = -Infinity;
    datas.forEach(function (data) {
      data.layers.forEach(function (layer) {
        layer.features.forEach(function (f) {
          var c = f.geometry.coordinates, pts = f.geometry.type === "Point" ? [c] : c;
          pts.forEach(function (p) {
            w = Math.min(w, p[0]); e = Math.max(e, p[0]);
            s = Math.min(s, p[1]); n = Math.max(n, p[1]);
          });
        });
      });
    });
    return [[s, w], [n, e]];
  }

  function element(el) { return typeof el === "string" ? document.getElementById(el) : el; }

  /** Draws ``data`` into ``el`` (an element or its id); returns the Leaflet map. */
  function routingMap(el, data, options) {
    options = options || {};
    var tiles = options.tiles || null;
    data = shifted(data, (tiles && tiles.crs) || "wgs84");
    var b = options.bounds || bounds([data]);
    addCss();
    var map = L.map(element(el), {center: [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2],
                                  zoom: 11, zoomControl: true, preferCanvas: false});
    L.control.scale().addTo(map);
    var base = {};
    if (tiles) {
      base[tiles.name] = L.tileLayer(tiles.url, {
        minZoom: 0, maxZoom: tiles.maxZoom, maxNativeZoom: tiles.maxZoom,
        attribution: tiles.attribution, subdomains: tiles.subdomains || "abc"}).addTo(map);
    }
    box(map, "topright", "routing-title", "<b>" + esc(data.title) + "</b><br>" +
        esc(data.subtitle));
    var overlays = {}, w = words(data);
    data.layers.forEach(function (layer) {
      var group = L.featureGroup();
      geoJsonLayer(drawn(layer, w)).addTo(group);
      if (layer.show) { group.addTo(map); }
      overlays['<span class="routing-swatch" style="background:' + layer.color + '"></span>' +
               esc(layer.name)] = group;
    });
    L.control.layers(base, overlays, {position: "topright", collapsed: data.layers.length > 8,
                                      autoZIndex: true}).addTo(map);
    box(map, "bottomleft", "routing-legend", legendHtml(data));
    map.fitBounds(b, {padding: [24, 24]});
    return map;
  }

  /** Two maps side by side (``els``, ``datas``: left, right) on one view, kept in sync. */
  function routingMaps(els, datas, options) {
    options = options || {};
    var crs = (options.tiles && options.tiles.crs) || "wgs84";
    var b = options.bounds || bounds(datas.map(function (d) { return shifted(d, crs); }));
    var maps = els.map(function (el, i) {
      return routingMap(el, datas[i], Object.assign({}, options, {bounds: b}));
    });
    maps[0].sync(maps[1]);
    maps[1].sync(maps[0]);
    return maps;
  }

  root.routingMap = routingMap;
  root.routingMaps = routingMaps;
})(window);
