// The sweep explorer: a slider and a stepper per swept parameter pick a
// point; its key figures, its streams and its charts are shown, and the
// sweep's charts and table mark it. A second point can be pinned beside
// it. The selection lives in the URL fragment (#point=3&pin=5, or by
// values: #traffic.otp.message_expiry=5m), so a link opens that point.
// Its data is the sweep's summary.json, embedded in the page. Numbers are
// written as the page's own tables write them.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("sweep-data").textContent);
  const params = data.sweep.parameters;
  const points = data.sweep.points;
  const replications = data.replications;
  const controls = document.getElementById("controls");
  const sliders = params.map((_, j) => document.getElementById("param-" + j));
  // Each slider's values as the file writes them, and as a2psim does (6m20s for 380s).
  const labels = sliders.map((s) => JSON.parse(s.dataset.labels));
  const aliases = sliders.map((s) => JSON.parse(s.dataset.aliases));
  // Where each point sits on each slider (an index into its labels).
  const coords = JSON.parse(controls.dataset.coords);
  const advice = document.getElementById("recommendation");
  const recommended = advice && advice.dataset.point !== undefined ? Number(advice.dataset.point) : null;
  let selected = recommended === null ? 0 : recommended;
  let pinned = null;

  // --- numbers as the page's tables write them ---------------------------
  // `x` to `places` decimals as the report's Rust code writes it: like
  // toFixed, but an exact tie goes to the even digit (570.25 is 570.2).
  function fixed(x, places) {
    const long = Math.abs(x).toFixed(Math.min(100, places + 30));
    const point = long.indexOf(".");
    if (/^50*$/.test(long.slice(point + 1 + places))) {
      const kept = long.slice(0, places > 0 ? point + 1 + places : point);
      if (Number(kept.slice(-1)) % 2 === 0) return (x < 0 ? "-" : "") + kept;
    }
    return x.toFixed(places);
  }
  function separated(text) {
    const sign = text.startsWith("-") ? "-" : "";
    const [whole, fraction] = text.replace("-", "").split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + grouped + (fraction === undefined ? "" : "." + fraction);
  }
  // Four significant digits, thousands separated: 616,300; 529.6; 0.03950.
  function readable(x) {
    if (x === 0 || !isFinite(x)) return String(x);
    const digits = Math.floor(Math.log10(Math.abs(x))) + 1;
    if (digits >= 4) {
      const unit = Math.pow(10, digits - 4);
      return separated((Math.round(x / unit) * unit).toFixed(0));
    }
    const places = 4 - digits;
    const text = fixed(x, places);
    const significant = text.replace(/[^0-9]/g, "").replace(/^0+/, "").length;
    return separated(significant > 4 ? fixed(x, places - 1) : text);
  }
  function count(x) {
    return replications === 1 ? separated(fixed(x, 0)) : readable(x);
  }
  function percent(x) {
    return fixed(x * 100, 2) + " %";
  }
  // Two largest units, whole: 0.25s, 42s, 3m20s, 2h05m, 1d23h.
  function duration(s) {
    if (s < 60) return Math.round(s * 100) / 100 + "s";
    const units = [[86400, "d"], [3600, "h"], [60, "m"], [1, "s"]];
    const i = units.findIndex(([size]) => s >= size);
    const [big, bigUnit] = units[i];
    const [small, smallUnit] = units[i + 1];
    const rest = String(Math.floor((s % big) / small)).padStart(2, "0");
    return Math.floor(s / big) + bigUnit + rest + smallUnit;
  }
  // Differences: percentage points, durations and numbers, signed.
  function signed(d, write) {
    if (d === 0) return "±0";
    return (d > 0 ? "+" : "−") + write(Math.abs(d));
  }
  const percentagePoints = (d) => fixed(d * 100, 2) + " pp";

  // --- figures of a point -------------------------------------------------
  // A figure's value: the mean over replications when there are several
  // (summary.json's `confidence`), else the figure itself.
  function figure(summary, path) {
    let raw = summary;
    let mean = summary.confidence;
    for (const key of path) {
      raw = raw === undefined || raw === null ? undefined : raw[key];
      mean = mean === undefined || mean === null ? undefined : mean[key];
    }
    return mean && typeof mean.mean === "number" ? mean.mean : raw;
  }
  // Failures other than expiry and the daily cap, and messages left at the horizon.
  const OTHER = ["undelivered", "blocked", "rejected", "queued_at_end", "in_flight_at_end"];
  // The key figures: [label, key, value of a summary (of all streams, or of
  // the stream at `base`), how it is written, how a difference is].
  const at = (path) => (s, base) => figure(s, base.concat(path));
  const FIGURES = [
    ["accepted", "accepted", at(["messages", "accepted"]), count, readable],
    ["delivered", "delivered", at(["messages", "delivered"]), count, readable],
    ["expired", "expired", at(["messages", "expired"]), count, readable],
    ["expiry rate", "expiry_rate", at(["expiry_rate"]), percent, percentagePoints],
    ["late rate", "late_rate", at(["late_rate"]), percent, percentagePoints],
    ["cap failures", "failed_daily_cap", at(["messages", "failed_daily_cap"]), count, readable],
    [
      "other failures",
      "other",
      (s, base) => OTHER.reduce((sum, o) => sum + figure(s, base.concat(["messages", o])), 0),
      count,
      readable,
    ],
    ["p99 queue wait", "wait_p99", at(["queue_wait_s", "p99"]), duration, duration],
    ["p99 end to end", "end_to_end_p99", at(["end_to_end_s", "p99"]), duration, duration],
    ["backlog peak", "backlog_peak", at(["backlog", "peak"]), count, readable],
    ["drain", "drain", at(["drain_time_s"]), duration, duration],
    ["cost USD", "cost", at(["cost_usd"]), readable, readable],
  ];
  const byKey = (keys) => FIGURES.filter(([, key]) => keys.includes(key));
  const STREAM_COLUMNS = byKey(["delivered", "expired", "expiry_rate", "late_rate", "other", "end_to_end_p99", "cost"]);
  const HEADLINE = byKey(["expiry_rate", "late_rate", "end_to_end_p99", "cost"]);

  function describe(k) {
    return "Point " + k + ": " + params.map((name, j) => name + " = " + labels[j][coords[k][j]]).join(", ");
  }
  function differences(k, from) {
    const a = points[k].summary;
    const b = points[from].summary;
    return HEADLINE.map(([label, , value, , diff]) => label + " " + signed(value(a, []) - value(b, []), diff));
  }

  // How far point k is from the recommended one, in steps of each slider,
  // and what that changes.
  function distance(k) {
    if (recommended === null) {
      return advice ? "No swept value meets the recommendation's conditions." : "";
    }
    if (k === recommended) return "This is the recommended point.";
    const steps = params
      .map((name, j) => {
        const d = coords[k][j] - coords[recommended][j];
        if (d === 0) return null;
        const n = Math.abs(d) + (Math.abs(d) === 1 ? " step" : " steps");
        return n + (d > 0 ? " above" : " below") + " the recommended " + labels[j][coords[recommended][j]] + " of " + name;
      })
      .filter((s) => s !== null);
    return steps.join("; ") + ". Against it: " + differences(k, recommended).join(", ") + ".";
  }

  function element(tag, text, attributes) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    for (const [name, value] of Object.entries(attributes || {})) e.setAttribute(name, value);
    return e;
  }

  // Fills a card (`selected` or `pinned`) with point k, and its differences
  // from point `other` when there is one.
  function fill(card, k, other) {
    const s = points[k].summary;
    document.getElementById(card + "-title").textContent = (card === "pinned" ? "Pinned: " : "") + describe(k);
    document.getElementById(card + "-distance").textContent = distance(k);
    const list = document.getElementById(card + "-figures");
    list.replaceChildren();
    for (const [label, key, value, write, diff] of FIGURES) {
      const v = value(s, []);
      const row = element("div");
      row.append(element("dt", label));
      const dd = element("dd");
      dd.append(element("span", write(v), { class: "value", "data-key": key }));
      if (other !== null) {
        const change = signed(v - value(points[other].summary, []), diff);
        dd.append(" ", element("span", change + " vs point " + other, { class: "delta" }));
      }
      row.append(dd);
      list.append(row);
    }
    const table = document.getElementById(card + "-streams");
    table.replaceChildren();
    const names = Object.keys(s.streams);
    table.hidden = names.length < 2;
    const head = element("tr");
    head.append(element("th", "stream", { class: "l", scope: "col" }));
    for (const [label] of STREAM_COLUMNS) head.append(element("th", label, { scope: "col" }));
    table.append(element("caption", "Each stream of point " + k), head);
    for (const name of names) {
      const tr = element("tr", undefined, { "data-stream": name });
      tr.append(element("td", name, { class: "l" }));
      for (const [, key, value, write] of STREAM_COLUMNS) {
        tr.append(element("td", write(value(s, ["streams", name])), { "data-key": key }));
      }
      table.append(tr);
    }
  }

  // Marks point k (as `sel` or `pin`; none for null) on the sweep's charts and table.
  function mark(kind, k) {
    for (const g of document.querySelectorAll("svg .pick")) {
      g.classList.toggle(kind, Number(g.dataset.point) === k);
    }
    const row = kind === "sel" ? "selected" : "pinned";
    for (const tr of document.querySelectorAll("#points tr[data-point]")) {
      const on = Number(tr.dataset.point) === k;
      tr.classList.toggle(row, on);
      if (kind === "sel") {
        if (on) tr.setAttribute("aria-current", "true");
        else tr.removeAttribute("aria-current");
      }
    }
  }

  // Shows the charts of the points in `shown` (the selected one first); two
  // stand side by side, each kind of chart on one row.
  function showCharts(shown) {
    const box = document.getElementById("point-charts");
    const sections = [...box.querySelectorAll(":scope > section.point")];
    const pair = shown.length === 2;
    box.classList.toggle("pair", pair);
    const rows = new Map();
    const rowOf = (child) => {
      const key = child.tagName + (child.id || child.className).replace(/\d+/g, "");
      if (!rows.has(key)) rows.set(key, rows.size + 1);
      return rows.get(key);
    };
    for (const k of shown) {
      for (const child of sections[k].children) rowOf(child);
    }
    for (const section of sections) {
      const k = Number(section.dataset.point);
      section.hidden = !shown.includes(k);
      for (const child of section.children) {
        child.style.gridColumn = pair && !section.hidden ? String(shown.indexOf(k) + 1) : "";
        child.style.gridRow = pair && !section.hidden ? String(rowOf(child)) : "";
      }
    }
    document.getElementById("point-charts-note").textContent = pair
      ? "The charts of point " + shown[0] + " (left) and of pinned point " + shown[1] + " (right)."
      : "The charts of point " + shown[0] + "; move a slider for another point's.";
  }

  // Shows the selection; `moved` when a reader changed it (not the page
  // opening): it goes into the URL and is announced.
  function render(moved) {
    const other = pinned === null || pinned === selected ? null : pinned;
    sliders.forEach((slider, j) => {
      const position = coords[selected][j];
      slider.value = String(position);
      slider.setAttribute("aria-valuetext", labels[j][position]);
      document.getElementById("param-" + j + "-value").textContent = labels[j][position];
      for (const button of controls.querySelectorAll("button[data-param='" + j + "']")) {
        const end = button.dataset.step === "-1" ? 0 : Number(slider.max);
        button.setAttribute("aria-disabled", String(position === end));
      }
    });
    fill("selected", selected, other);
    document.getElementById("pinned").hidden = other === null;
    if (other !== null) fill("pinned", other, null);
    const pin = document.getElementById("pin");
    pin.textContent = pinned === null ? "Pin this point" : "Unpin point " + pinned;
    pin.setAttribute("aria-pressed", String(pinned !== null));
    mark("pin", other);
    mark("sel", selected);
    showCharts(other === null ? [selected] : [selected, other]);
    if (moved) {
      const fragment = "#point=" + selected + (pinned === null ? "" : "&pin=" + pinned);
      if (location.hash !== fragment) history.replaceState(null, "", fragment);
      const s = points[selected].summary;
      document.getElementById("announce").textContent =
        describe(selected) + ". " + HEADLINE.map(([label, , value, write]) => label + " " + write(value(s, []))).join(", ") + ".";
    }
  }

  // The point at the sliders' positions.
  function fromSliders() {
    const position = sliders.map((s) => Number(s.value));
    const k = coords.findIndex((c) => c.every((v, j) => v === position[j]));
    return k < 0 ? selected : k;
  }

  function decoded(text) {
    try {
      return decodeURIComponent(text);
    } catch (_) {
      return text;
    }
  }

  // Reads #point=K, &pin=J and #<parameter>=<value> from the fragment;
  // what names no point leaves the selection (and the pin) as it is.
  function fromFragment() {
    const position = coords[selected].slice();
    let k = null;
    for (const part of location.hash.replace(/^#/, "").split("&")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      const key = decoded(part.slice(0, eq));
      const value = decoded(part.slice(eq + 1));
      const index = /^\d+$/.test(value) && Number(value) < points.length ? Number(value) : null;
      const j = params.indexOf(key);
      if (key === "point" && index !== null) k = index;
      else if (key === "pin" && index !== null) pinned = index;
      else if (j >= 0) {
        const found = Math.max(labels[j].indexOf(value), aliases[j].indexOf(value));
        if (found >= 0) position[j] = found;
      }
    }
    if (k === null) {
      const byValues = coords.findIndex((c) => c.every((v, j) => v === position[j]));
      k = byValues < 0 ? selected : byValues;
    }
    selected = k;
  }

  for (const slider of sliders) {
    slider.addEventListener("input", () => {
      selected = fromSliders();
      render(true);
    });
  }
  for (const button of controls.querySelectorAll("button[data-step]")) {
    button.addEventListener("click", () => {
      const slider = sliders[Number(button.dataset.param)];
      const next = Number(slider.value) + Number(button.dataset.step);
      if (next < 0 || next > Number(slider.max)) return;
      slider.value = String(next);
      selected = fromSliders();
      render(true);
    });
  }
  document.getElementById("pin").addEventListener("click", () => {
    pinned = pinned === null ? selected : null;
    render(true);
  });
  window.addEventListener("hashchange", () => {
    fromFragment();
    render(false);
  });
  fromFragment();
  for (const e of document.querySelectorAll(".explorer")) e.hidden = false;
  render(false);
  // Without scripts #point=K leads to point K's charts; here a link to a
  // point opens at the explorer instead.
  for (const section of document.querySelectorAll("#point-charts > section.point")) {
    section.id = "point-" + section.dataset.point;
  }
  if (location.hash) document.getElementById("explorer-title").scrollIntoView();
})();
