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
  const sliders = params.map((_, j) => document.getElementById("param-" + j));
  const labels = sliders.map((s) => JSON.parse(s.dataset.labels));
  const advice = document.getElementById("recommendation");
  const recommended = advice && advice.dataset.point !== undefined ? Number(advice.dataset.point) : null;

  // Where each point sits on each slider (an index into its labels).
  const coords = JSON.parse(document.getElementById("explorer").dataset.coords);
  let selected = recommended === null ? 0 : recommended;
  let pinned = null;

  // --- numbers as the page's tables write them ---------------------------
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
    const text = x.toFixed(places);
    const significant = text.replace(/[^0-9]/g, "").replace(/^0+/, "").length;
    return separated(significant > 4 ? x.toFixed(places - 1) : text);
  }
  function count(x) {
    return replications === 1 ? separated(x.toFixed(0)) : readable(x);
  }
  function percent(x) {
    return (x * 100).toFixed(2) + " %";
  }
  // Two largest units, whole: 0.25s, 42s, 3m20s, 2h05m, 1d23h.
  function duration(s) {
    if (s < 60) return Math.round(s * 100) / 100 + "s";
    const units = [[86400, "d"], [3600, "h"], [60, "m"], [1, "s"]];
    let i = units.findIndex(([size]) => s >= size);
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
  const points_of = (d) => (d * 100).toFixed(2) + " pp";

  // --- figures of a point -------------------------------------------------
  // A figure's value: the mean over replications when there are several
  // (summary.json's `confidence`), else the figure itself.
  function figure(summary, path) {
    let raw = summary;
    let mean = summary.confidence;
    for (const key of path) {
      raw = raw === undefined ? undefined : raw[key];
      mean = mean === undefined || mean === null ? undefined : mean[key];
    }
    return mean && typeof mean.mean === "number" ? mean.mean : raw;
  }
  // The key figures: [label, key, path, how it is written, how a difference is].
  const FIGURES = [
    ["accepted", "accepted", ["messages", "accepted"], count, readable],
    ["delivered", "delivered", ["messages", "delivered"], count, readable],
    ["expired", "expired", ["messages", "expired"], count, readable],
    ["expiry rate", "expiry_rate", ["expiry_rate"], percent, points_of],
    ["late rate", "late_rate", ["late_rate"], percent, points_of],
    ["cap failures", "failed_daily_cap", ["messages", "failed_daily_cap"], count, readable],
    ["p99 queue wait", "wait_p99", ["queue_wait_s", "p99"], duration, duration],
    ["p99 end to end", "end_to_end_p99", ["end_to_end_s", "p99"], duration, duration],
    ["backlog peak", "backlog_peak", ["backlog", "peak"], count, readable],
    ["drain", "drain", ["drain_time_s"], duration, duration],
    ["cost USD", "cost", ["cost_usd"], readable, readable],
  ];
  const STREAM_COLUMNS = FIGURES.filter(([, key]) =>
    ["delivered", "expired", "expiry_rate", "late_rate", "end_to_end_p99", "cost"].includes(key),
  );

  function describe(k) {
    return "Point " + k + ": " + params.map((name, j) => name + " = " + labels[j][coords[k][j]]).join(", ");
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
    const a = points[k].summary;
    const r = points[recommended].summary;
    const changes = FIGURES.filter(([, key]) => ["expiry_rate", "late_rate", "end_to_end_p99", "cost"].includes(key)).map(
      ([label, , path, , diff]) => label + " " + signed(figure(a, path) - figure(r, path), diff),
    );
    return steps.join("; ") + ". Against it: " + changes.join(", ") + ".";
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
    for (const [label, key, path, write, diff] of FIGURES) {
      const value = figure(s, path);
      const row = element("div");
      row.append(element("dt", label));
      const dd = element("dd");
      dd.append(element("span", write(value), { class: "value", "data-key": key }));
      if (other !== null && other !== k) {
        const change = signed(value - figure(points[other].summary, path), diff);
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
      for (const [, key, path, write] of STREAM_COLUMNS) {
        tr.append(element("td", write(figure(s, ["streams", name].concat(path))), { "data-key": key }));
      }
      table.append(tr);
    }
  }

  // Marks point k (as `sel` or `pin`) on the sweep's charts and table.
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

  // Shows the selection; `remember` puts it in the URL (a reader's move,
  // not the page opening).
  function render(remember) {
    sliders.forEach((slider, j) => {
      const at = coords[selected][j];
      slider.value = String(at);
      slider.setAttribute("aria-valuetext", labels[j][at]);
      document.getElementById("param-" + j + "-value").textContent = labels[j][at];
    });
    fill("selected", selected, pinned);
    const pinCard = document.getElementById("pinned");
    pinCard.hidden = pinned === null;
    if (pinned !== null) fill("pinned", pinned, null);
    const pin = document.getElementById("pin");
    pin.textContent = pinned === null ? "Pin this point" : "Unpin point " + pinned;
    pin.setAttribute("aria-pressed", String(pinned !== null));
    mark("sel", selected);
    mark("pin", pinned);
    const shown = [selected].concat(pinned === null || pinned === selected ? [] : [pinned]);
    for (const section of document.querySelectorAll("#point-charts > section.point")) {
      section.hidden = !shown.includes(Number(section.dataset.point));
    }
    document.getElementById("point-charts").classList.toggle("pair", shown.length === 2);
    document.getElementById("point-charts-note").textContent =
      shown.length === 2
        ? "The charts of point " + selected + " and of pinned point " + pinned + ", side by side."
        : "The charts of point " + selected + "; move a slider for another point's.";
    const fragment = "#point=" + selected + (pinned === null ? "" : "&pin=" + pinned);
    if (remember && location.hash !== fragment) history.replaceState(null, "", fragment);
  }

  // The point at the sliders' positions.
  function fromSliders() {
    const at = sliders.map((s) => Number(s.value));
    const k = coords.findIndex((c) => c.every((v, j) => v === at[j]));
    return k < 0 ? selected : k;
  }

  // Reads #point=K, #pin=J and #<parameter>=<value> from the fragment.
  function fromFragment() {
    const at = coords[selected].slice();
    let k = null;
    pinned = null;
    for (const part of location.hash.replace(/^#/, "").split("&")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      const key = decodeURIComponent(part.slice(0, eq));
      const value = decodeURIComponent(part.slice(eq + 1));
      const index = /^\d+$/.test(value) && Number(value) < points.length ? Number(value) : null;
      const j = params.indexOf(key);
      if (key === "point" && index !== null) k = index;
      else if (key === "pin" && index !== null) pinned = index;
      else if (j >= 0 && labels[j].includes(value)) at[j] = labels[j].indexOf(value);
    }
    if (k === null) {
      const byValues = coords.findIndex((c) => c.every((v, j) => v === at[j]));
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
  for (const button of document.querySelectorAll("#explorer button[data-step]")) {
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
  // Without scripts #point=K leads to point K's charts; here a link to a
  // point opens at the explorer instead.
  for (const section of document.querySelectorAll("#point-charts > section.point")) {
    section.id = "point-" + section.dataset.point;
  }
  fromFragment();
  const explorer = document.getElementById("explorer");
  explorer.hidden = false;
  render(false);
  if (location.hash) explorer.scrollIntoView();
})();
