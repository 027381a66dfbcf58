/// The HTML page's markup, style and script; `{{TITLE}}` and `{{DATA}}` (the report's JSON) are filled in.
/// Everything is inline so the file opens anywhere, offline.
enum HTMLTemplate {
    static let page = #"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{TITLE}}</title>
        <style>
        body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2330;background:#fff}
        h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
        .meta{color:#5a6478}.pass{color:#17803d;font-weight:600}.fail{color:#c0262d;font-weight:600}
        .warn{color:#a35c00;font-weight:600}
        table{border-collapse:collapse;margin:4px 0 8px}td,th{padding:3px 10px;border-bottom:1px solid #e3e6ec;text-align:right}
        th{background:#f4f6f9}td:first-child,th:first-child{text-align:left}
        svg{display:block;margin:6px 0 18px;max-width:100%}svg text{font:11px system-ui,sans-serif;fill:#414b5c}
        .note{color:#5a6478;font-size:13px;max-width:900px}
        </style></head>
        <body>
        <h1 id="title"></h1><div class="meta" id="meta"></div>
        <h2>Verdict</h2><div id="verdict"></div>
        <h2>Throughput</h2><div id="throughput"></div>
        <h2>Latency from intended start (log scale)</h2><div id="latency"></div>
        <p class="note">Each point is the payments whose intended start fell in that second. The dashed line is the p99
        measured from the actual send instead: the gap between it and the solid p99 is coordinated omission, the time
        payments spent waiting to be sent.</p>
        <h2>Errors, late and dropped sends</h2><div id="errors"></div>
        <h2>Stages</h2><div id="stages"></div>
        <h2>Thresholds</h2><div id="thresholds"></div>
        <h2>Audit</h2><div id="audit"></div>
        <h2>Webhooks</h2><div id="webhooks"></div>
        <h2>Generator</h2><div id="generator"></div>
        <script type="application/json" id="data">{{DATA}}</script>
        <script>
        "use strict";
        const R = JSON.parse(document.getElementById("data").textContent);
        const NS = "http://www.w3.org/2000/svg";
        const COLORS = ["#2f6fde", "#17a589", "#e08e0b", "#c0262d", "#7d3cbd", "#5a6478"];
        function node(tag, attrs, parent, text) {
          const e = tag.startsWith("svg:") ? document.createElementNS(NS, tag.slice(4)) : document.createElement(tag);
          for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
          if (text !== undefined) e.textContent = text;
          if (parent) parent.appendChild(e);
          return e;
        }
        function ms(v) { return v >= 1000 ? (v / 1000).toFixed(2) + " s" : (v >= 10 ? v.toFixed(0) : v.toFixed(1)) + " ms"; }
        function table(parent, header, rows) {
          const t = node("table", {}, parent), h = node("tr", {}, t);
          header.forEach(c => node("th", {}, h, c));
          rows.forEach(r => { const tr = node("tr", {}, t); r.forEach(c => node("td", {}, tr, String(c))); });
        }
        function chart(parent, series, opts) {
          const W = 960, H = 280, L = 64, Rm = 16, T = 22, B = 34;
          const svg = node("svg:svg", {viewBox: `0 0 ${W} ${H}`, width: W, height: H}, parent);
          const tMax = Math.max(1, opts.tMax || R.seconds.length);
          let vMax = 0, vMin = Infinity;
          series.forEach(s => s.values.forEach(v => { if (v > vMax) vMax = v; if (v > 0 && v < vMin) vMin = v; }));
          if (vMax <= 0) vMax = 1;
          const log = opts.log && vMin < Infinity;
          const lo = log ? Math.pow(10, Math.floor(Math.log10(vMin))) : 0;
          const hi = log ? Math.pow(10, Math.ceil(Math.log10(vMax))) : vMax * 1.1;
          const x = t => L + (W - L - Rm) * t / tMax;
          const y = v => log ? T + (H - T - B) * (1 - (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1))
                             : T + (H - T - B) * (1 - v / hi);
          const ticks = [];
          if (log) { for (let v = lo; v <= hi * 1.001; v *= 10) ticks.push(v); }
          else { for (let i = 0; i <= 4; i++) ticks.push(hi * i / 4); }
          ticks.forEach(v => {
            node("svg:line", {x1: L, x2: W - Rm, y1: y(v), y2: y(v), stroke: "#e3e6ec"}, svg);
            node("svg:text", {x: L - 6, y: y(v) + 4, "text-anchor": "end"}, svg, opts.fmt(v));
          });
          const step = Math.max(1, Math.ceil(tMax / 12));
          for (let t = 0; t <= tMax; t += step) node("svg:text", {x: x(t), y: H - B + 16, "text-anchor": "middle"}, svg, t + "s");
          R.stages.forEach(s => {
            node("svg:line", {x1: x(s.start), x2: x(s.start), y1: T, y2: H - B, stroke: "#9aa3b5", "stroke-dasharray": "4 3"}, svg);
            node("svg:text", {x: x(s.start) + 3, y: T - 6}, svg, s.name);
          });
          series.forEach((s, i) => {
            const pts = s.values.map((v, t) => (log && v <= 0) ? null : `${x(t + 0.5).toFixed(1)},${y(v).toFixed(1)}`).filter(p => p);
            const color = s.color || COLORS[i % COLORS.length];
            node("svg:polyline", {points: pts.join(" "), fill: "none", stroke: color, "stroke-width": 1.6,
              "stroke-dasharray": s.dash ? "5 4" : ""}, svg);
            node("svg:text", {x: L + 8 + i * 130, y: H - 4, fill: color}, svg, "— " + s.name);
          });
        }
        const S = R.seconds, col = k => S.map(s => s[k] || 0);
        document.getElementById("title").textContent = `paisa-load ${R.runID}: profile ${R.profile}`;
        document.getElementById("meta").textContent =
          `${R.baseURL} · started ${R.startedAtISO} · ${R.overall.scheduled} arrivals · mix ${R.settings.mix} · ` +
          `${R.settings.accounts} key(s) · max in flight ${R.settings.maxInFlight}`;
        const v = document.getElementById("verdict");
        node("div", {class: R.exitCode === 0 ? "pass" : "fail"}, v, `Exit ${R.exitCode}: ${R.verdict}`);
        const ul = node("ul", {}, v); R.reasons.forEach(r => node("li", {}, ul, r));
        chart(document.getElementById("throughput"), [
          {name: "offered /s", values: col("scheduled")}, {name: "sent /s", values: col("sent")},
          {name: "completed /s", values: col("completed")}, {name: "in flight", values: col("inFlight"), dash: true}],
          {fmt: v => v.toFixed(0)});
        chart(document.getElementById("latency"), [
          {name: "p50", values: col("p50")}, {name: "p90", values: col("p90")}, {name: "p99", values: col("p99")},
          {name: "p99.9", values: col("p999")}, {name: "max", values: col("max")},
          {name: "p99 uncorrected", values: col("uncorrectedP99"), dash: true, color: "#5a6478"}],
          {log: true, fmt: ms});
        chart(document.getElementById("errors"), [
          {name: "errors /s", values: col("errors"), color: "#c0262d"}, {name: "late /s", values: col("late"), color: "#e08e0b"},
          {name: "dropped /s", values: col("dropped"), color: "#7d3cbd"}], {fmt: v => v.toFixed(0)});
        table(document.getElementById("stages"),
          ["stage", "offered/s", "sent", "late", "dropped", "done", "errors", "p50", "p90", "p99", "p99.9", "max", "p99 uncorrected"],
          R.stagePhases.concat([R.overall]).map(p => [p.name, p.offeredRate.toFixed(1), p.sent, p.late, p.dropped, p.finished,
            p.errors, ms(p.latency.p50), ms(p.latency.p90), ms(p.latency.p99), ms(p.latency.p999), ms(p.latency.max),
            ms(p.uncorrected.p99)]));
        table(document.getElementById("thresholds"), ["threshold", "scope", "value", "result"],
          R.thresholds.map(c => [c.threshold, c.scope, c.display, c.passed ? "pass" : "FAIL"]));
        const a = document.getElementById("audit");
        if (!R.audit) { a.textContent = "Not run (--no-audit)."; } else {
          node("div", {class: R.audit.verdict === "passed" ? "pass" : (R.audit.verdict === "failed" ? "fail" : "warn")}, a,
            `${R.audit.verdict}: ${R.audit.payments} payments, ${R.audit.answered} answered, ${R.audit.serverCharges} charges of the run, ` +
            `${R.audit.pendingRemaining} still pending`);
          table(a, ["problem", "count"], Object.keys(R.audit.counts).sort().map(k => [k, R.audit.counts[k]]));
          const pl = node("ul", {}, a); R.audit.problems.forEach(p => node("li", {}, pl, `${p.kind}: ${p.detail}`));
          table(a, ["key", "currency", "before", "after", "moved", "expected", "result"], R.audit.balances.map(b =>
            ["#" + b.account, b.currency, b.before, b.after, b.after - b.before, b.expected, b.passed ? "ok" : "WRONG"]));
          R.audit.notes.forEach(n => node("p", {class: "note"}, a, n));
          node("p", {class: "note"}, a, "The balance check assumes nothing else charges these accounts during the run.");
        }
        const w = document.getElementById("webhooks"), W = R.webhooks;
        if (!W) { w.textContent = "Not run (no --webhooks)."; } else {
          const wt = Math.max(R.seconds.length, W.seconds.length), wcol = k => W.seconds.map(s => s[k] || 0);
          const bad = W.missingFinal + W.foreign + W.signatureFailures + W.malformed;
          node("div", {class: bad ? "fail" : "pass"}, w,
            `${W.received} received, ${W.unique} unique, ${W.duplicates} duplicates, ${W.signatureFailures} signature failures, ` +
            `${W.missingFinal} of ${W.finalExpected} final events missing, ${W.foreign} foreign`);
          chart(w, [{name: "received /s", values: wcol("received")},
            {name: "duplicates /s", values: wcol("duplicates"), color: "#e08e0b"}], {fmt: v => v.toFixed(0), tMax: wt});
          chart(w, [{name: "lag p50", values: wcol("lagP50")}, {name: "lag p99", values: wcol("lagP99")},
            {name: "lag max", values: wcol("lagMax")}], {log: true, fmt: ms, tMax: wt});
          node("p", {class: "note"}, w, "Lag: from the moment paisa-load had a charge's final answer to the first receipt " +
            "of its final event (charge.succeeded or charge.failed), per second of receipt. Charges first answered pending " +
            "have no sample. The lag from the event's created time counts whole seconds, so it reads up to a second high.");
          const lagRow = (name, l) => [name, l.count, ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max)];
          table(w, ["lag", "samples", "p50", "p90", "p99", "max"], [lagRow("final answer → final event", W.lag)]
            .concat(W.stageLag.map(st => lagRow("  stage " + st.name, st.lag)))
            .concat([lagRow("event created → receipt", W.lagFromCreated)]));
          table(w, ["figure", "value"], [["received", W.received], ["unique", W.unique], ["duplicates", W.duplicates],
            ["signature failures", W.signatureFailures], ["malformed", W.malformed], ["final events owed", W.finalExpected],
            ["final events received", W.finalReceived], ["final events missing", W.missingFinal], ["foreign", W.foreign],
            ["other objects", W.otherObjects], ["waited for final events", W.drainSeconds.toFixed(1) + " s of " + W.drainLimitSeconds + " s"]]
            .concat(Object.keys(W.signatureFailureReasons).sort().map(k => ["  signature " + k, W.signatureFailureReasons[k]]))
            .concat(Object.keys(W.types).sort().map(k => ["  " + k, W.types[k]])));
          table(w, ["endpoint", "key", "deleted"], W.endpoints.map(e => [e.id, "#" + e.account, e.deleted ? "yes" : "NO"]));
          W.notes.forEach(n => node("p", {class: "note"}, w, n));
        }
        const g = R.generator;
        node("p", {class: g.keptUp ? "" : "fail"}, document.getElementById("generator"),
          `${g.coresUsed.toFixed(2)} of ${g.coresOnline} cores, ${g.cpuSeconds.toFixed(1)} s CPU over ${g.wallSeconds.toFixed(1)} s; ` +
          `scheduling lag p50 ${ms(g.lagP50Ms)}, p99 ${ms(g.lagP99Ms)}, max ${ms(g.lagMaxMs)} (limit ${ms(g.lagLimitMs)}): ` +
          (g.keptUp ? "kept up" : "fell behind: " + g.reason));
        </script>
        </body></html>
        """#
}
