// Live progress of a planning run: poll the run's state once a second, write the best total,
// bound and gap, and draw both amounts over time as steps (each holds until the solver reports
// a better one), with the rupiah at the chart's top and bottom and the seconds along it; stop
// polling when the run has ended.
(function () {
  var box = document.getElementById("progress");
  if (!box) { return; }
  var points = [];
  var W = 600, H = 220, PAD = 10;
  function byId(id) { return document.getElementById(id); }
  // "Rp 1.234.000", as the server writes rupiah (planner.reports.labels.rupiah).
  function rupiah(amount) {
    var digits = String(Math.abs(Math.round(amount))).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (amount < 0 ? "-" : "") + "Rp " + digits;
  }
  // The chart's bottom and top: the amounts shown, widened to round numbers (a tenth of the
  // range's order of magnitude), so that the labels are easy to read and the lines clear them.
  function range(values) {
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    var span = hi > lo ? hi - lo : Math.max(Math.abs(hi) * 0.02, 1000);
    var step = Math.pow(10, Math.floor(Math.log(span) / Math.LN10) - 1);
    var bottom = Math.floor(lo / step) * step, top = Math.ceil(hi / step) * step;
    if (top === bottom) { bottom -= 5 * step; top += 5 * step; }
    return [Math.max(bottom, 0), top];
  }
  function steps(known, key, x1) {
    var out = [], last = null;
    known.forEach(function (p) {
      if (p[key] === null) { return; }
      if (last !== null) { out.push([p.seconds, last]); }
      out.push([p.seconds, p[key]]);
      last = p[key];
    });
    if (last !== null) { out.push([x1, last]); }
    return out;
  }
  function draw() {
    var known = points.filter(function (p) { return p.best !== null; });
    if (!known.length) { return; }
    var ys = [];
    known.forEach(function (p) { ys.push(p.best); if (p.bound !== null) { ys.push(p.bound); } });
    var x1 = Math.max(1, Math.ceil(known[known.length - 1].seconds));
    var y = range(ys), y0 = y[0], y1 = y[1];
    function at(pair) {
      return (pair[0] / x1 * (W - 2 * PAD) + PAD).toFixed(1) + "," +
        (H - PAD - (pair[1] - y0) / (y1 - y0) * (H - 2 * PAD)).toFixed(1);
    }
    byId("best-line").setAttribute("points", steps(known, "best", x1).map(at).join(" "));
    byId("bound-line").setAttribute("points", steps(known, "bound", x1).map(at).join(" "));
    byId("y-top").textContent = rupiah(y1);
    byId("y-bottom").textContent = rupiah(y0);
    byId("x-end").textContent = String(x1);
    var distinct = known.filter(function (p, i) {
      return i === 0 || p.best !== known[i - 1].best || p.bound !== known[i - 1].bound;
    }).length;
    byId("chart").setAttribute("data-distinct-points", String(distinct));
  }
  function update(run) {
    ["state", "best", "bound", "gap", "rounds", "seconds"].forEach(function (key) {
      byId(key).textContent = run[key + "_text"] !== undefined ? run[key + "_text"] : run[key];
    });
    byId("message").textContent = run.message;
    var last = points.length ? points[points.length - 1] : null;
    // A point for each report of the solver (the page polls more often than it reports).
    if (run.best_idr !== null && (last === null || last.seconds !== run.seconds ||
        last.best !== run.best_idr || last.bound !== run.bound_idr)) {
      points.push({ seconds: run.seconds, best: run.best_idr, bound: run.bound_idr });
      draw();
    }
    if (run.plan_id) {
      byId("see-plan").setAttribute("href", "/rencana/" + run.plan_id);
      byId("plan-link").hidden = false;
    }
    if (run.ended) {
      var cancel = byId("cancel-form");
      if (cancel) { cancel.hidden = true; }
      box.setAttribute("data-ended", "1");
    }
    return run.ended;
  }
  function poll() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (answer) { return answer.json(); })
      .then(function (run) { if (!update(run)) { setTimeout(poll, 1000); } })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
