// Live progress of a planning run: poll the run's state once a second, write the best total,
// bound and gap, and draw both amounts over time; stop polling when the run has ended.
(function () {
  var box = document.getElementById("progress");
  if (!box) { return; }
  var points = [];
  var W = 600, H = 220, PAD = 10;
  function byId(id) { return document.getElementById(id); }
  function draw() {
    var known = points.filter(function (p) { return p.best !== null; });
    if (!known.length) { return; }
    var xs = known.map(function (p) { return p.seconds; });
    var ys = [];
    known.forEach(function (p) { ys.push(p.best); if (p.bound !== null) { ys.push(p.bound); } });
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    if (known.length === 1) { known = [known[0], { seconds: known[0].seconds + 1, best: known[0].best, bound: known[0].bound }]; x1 = x0 + 1; }
    if (x1 === x0) { x1 = x0 + 1; }
    if (y1 === y0) { y1 = y0 + 1; y0 = y0 - 1; }
    function at(x, y) {
      return ((x - x0) / (x1 - x0) * (W - 2 * PAD) + PAD).toFixed(1) + "," +
        (H - PAD - (y - y0) / (y1 - y0) * (H - 2 * PAD)).toFixed(1);
    }
    byId("best-line").setAttribute("points", known.map(function (p) { return at(p.seconds, p.best); }).join(" "));
    byId("bound-line").setAttribute("points", known.filter(function (p) { return p.bound !== null; })
      .map(function (p) { return at(p.seconds, p.bound); }).join(" "));
  }
  function update(run) {
    ["state", "best", "bound", "gap", "seconds"].forEach(function (key) {
      byId(key).textContent = key === "state" ? run.state_text : run[key];
    });
    byId("message").textContent = run.message;
    if (run.best_idr !== null) {
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
