// redactor review service: the only script (CSP script-src 'self'). Document text is untrusted: it is only
// ever placed with textContent / createTextNode, never parsed as HTML.
(() => {
  "use strict";

  // ---- helpers ----------------------------------------------------------------------------------
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "dataset") Object.assign(node.dataset, v);
      else if (k === "class") node.className = v;
      else node[k] = v;
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  function message(data, res) {
    if (data && typeof data.detail === "string") return data.detail;
    if (data && Array.isArray(data.detail)) return data.detail.map((d) => d.msg).join("; ");
    return `${res.status} ${res.statusText}`;
  }

  async function api(method, url, body) {
    const opts = { method, credentials: "same-origin", headers: { "X-CSRF-Token": csrf(), Accept: "application/json" } };
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    const res = await fetch(url, opts);
    const data = (res.headers.get("content-type") || "").includes("json") ? await res.json() : null;
    if (res.status === 401) window.location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    if (!res.ok) throw Object.assign(new Error(message(data, res)), { status: res.status, data });
    return data;
  }

  let toastTimer = 0;
  function toast(text, kind = "info") {
    const t = $("#toast");
    t.textContent = text;
    t.className = `toast ${kind}`;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { t.hidden = true; }, kind === "error" ? 9000 : 4000);
  }

  function onSubmit(target, handler) {   // a form's id, or the form itself
    const form = typeof target === "string" ? document.getElementById(target) : target;
    if (!form) return;
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const button = $("button[type=submit]", form);
      if (button) button.disabled = true;
      try { await handler(new FormData(form), form); } catch (e) { toast(e.message, "error"); }
      finally { if (button) button.disabled = false; }
    });
  }

  // ---- cases, users, case pages ----------------------------------------------------------------
  function casesPage() {
    onSubmit("new-case", async (fd) => {
      const body = { name: fd.get("name") };
      if ((fd.get("register") || "").trim()) body.register = { text: fd.get("register"), format: "yaml" };
      const c = await api("POST", "/api/cases", body);
      window.location.assign(`/cases/${c.id}`);
    });
  }

  function usersPage() {
    onSubmit("new-user", async (fd, form) => {
      await api("POST", "/api/users", { username: fd.get("username"), password: fd.get("password"), role: fd.get("role") });
      form.reset();
      window.location.reload();
    });
    for (const row of $$("#users tr[data-username]")) {
      const url = `/api/users/${encodeURIComponent(row.dataset.username)}`;
      const handle = (sel, handler) => onSubmit($(sel, row), handler);
      handle("form.user-role", async (fd) => {
        await api("PATCH", url, { role: fd.get("role") });
        toast(`${row.dataset.username} is now ${fd.get("role")}`);
      });
      handle("form.user-active-toggle", async (fd) => {
        await api("PATCH", url, { active: fd.get("active") === "true" });
        window.location.reload();
      });
      handle("form.user-password", async (fd, form) => {
        await api("PUT", `${url}/password`, { password: fd.get("password") });
        form.reset();
        toast(`the password of ${row.dataset.username} was reset; their sessions ended`);
      });
    }
  }

  function casePage() {
    const caseId = $("#case").dataset.caseId;
    onSubmit("upload", async (fd) => {
      const doc = await api("POST", `/api/cases/${caseId}/documents`, fd);
      toast(`Uploaded ${doc.filename}; analysing…`);
      window.location.reload();
    });
    onSubmit("register", async (fd) => {
      await api("PUT", `/api/cases/${caseId}/register`, { text: fd.get("text"), format: fd.get("format") });
      window.location.reload();
    });
    onSubmit("members", async (fd) => {
      await api("PUT", `/api/cases/${caseId}/members/${encodeURIComponent(fd.get("username"))}`);
      window.location.reload();
    });
    $$(".remove-member").forEach((b) => b.addEventListener("click", async () => {
      try {
        await api("DELETE", `/api/cases/${caseId}/members/${encodeURIComponent(b.dataset.username)}`);
        window.location.reload();
      } catch (e) { toast(e.message, "error"); }
    }));
    const busy = () => $$("#documents tr[data-doc-id]").some((r) => ["queued", "analysing"].includes(r.dataset.status));
    const poll = async () => {
      if (!busy()) return;
      try {
        for (const d of await api("GET", `/api/cases/${caseId}/documents`)) {
          const row = $(`#documents tr[data-doc-id="${d.id}"]`);
          if (!row) continue;
          row.dataset.status = d.status;
          $(".status-text", row).textContent = d.status;
          const bar = $("progress", row);
          bar.value = d.progress;
          bar.hidden = ["ready", "failed"].includes(d.status);
          if (d.error) $(".status", row).append(el("span", { class: "error" }, d.error));
        }
      } catch (e) { toast(e.message, "error"); }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 800);
  }

  // ---- review page -----------------------------------------------------------------------------
  function reviewPage() {
    const root = $("#review");
    const docId = root.dataset.documentId;
    const canDecide = root.dataset.canDecide === "yes";
    const S = { text: "", spans: new Map(), statements: [], order: [], current: null, view: "review", exportProfile: null };

    const visible = (s) => !(s.source === "reviewer" && s.status === "rejected");
    const pct = (x) => `${Math.round(x * 100)}%`;

    function computeOrder() {
      // groups of mentions (one person / one entity), undecided and low-confidence groups first
      const groups = new Map();
      for (const s of S.spans.values()) {
        if (!visible(s)) continue;
        if (!groups.has(s.group)) groups.set(s.group, []);
        groups.get(s.group).push(s);
      }
      const list = Array.from(groups.entries()).map(([key, spans]) => {
        spans.sort((a, b) => a.score - b.score || a.start - b.start);
        const pending = spans.filter((s) => s.status === "pending");
        const label = spans.reduce((best, s) => (s.text.length > best.length ? s.text : best), "");
        return { key, spans, pending: pending.length, min: Math.min(...spans.map((s) => s.score)), label };
      });
      // the safety net's findings (UNKNOWN: no rule recognised them) come after the rules' findings, as their own group
      const net = (g) => g.spans[0].entity_type === "UNKNOWN";
      list.sort((a, b) => net(a) - net(b) || (a.pending === 0) - (b.pending === 0) || a.min - b.min
        || a.label.localeCompare(b.label));
      S.groups = list;
      S.order = list.flatMap((g) => g.spans.map((s) => s.id));
    }

    function renderProgress() {
      const live = Array.from(S.spans.values()).filter(visible);
      const done = live.filter((s) => s.status !== "pending").length;
      $("#progress-text").textContent = `${done} of ${live.length} reviewed`;
      $("#progress").max = Math.max(live.length, 1);
      $("#progress").value = done;
    }

    function statementTitle(st) {
      const parts = [st.kind === "opinion" ? "Opinion" : "Intention"];
      if (st.holder) parts.push(`held by ${st.holder}`);
      if (st.cue) parts.push(`cue “${st.cue}”`);
      if (st.unattributed_opinion) parts.push("written as if it were fact");
      return parts.join(" · ");
    }

    function renderDoc() {
      const box = $("#doc");
      const text = S.text;
      const spans = Array.from(S.spans.values()).filter(visible);
      const stmts = S.statements.filter((st) => st.kind !== "fact");
      const cuts = new Set([0, text.length]);
      for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
      for (const st of stmts) { cuts.add(st.start); cuts.add(st.end); }
      const points = Array.from(cuts).filter((p) => p >= 0 && p <= text.length).sort((a, b) => a - b);
      const frag = document.createDocumentFragment();
      S.firstSeg = new Map();
      for (let i = 0; i + 1 < points.length; i++) {
        const a = points[i], b = points[i + 1];
        const seg = el("span", { class: "seg", dataset: { start: a } }, text.slice(a, b));
        const over = spans.filter((s) => s.start <= a && s.end >= b).sort((x, y) => (x.end - x.start) - (y.end - y.start));
        if (over.length) {
          const top = over[0];
          seg.classList.add("mark", `t-${top.entity_type}`, `s-${top.status}`);
          if (top.score < 0.6 && top.status === "pending") seg.classList.add("low");
          if (over.some((s) => s.id === S.current)) seg.classList.add("current");
          seg.dataset.spans = over.map((s) => s.id).join(" ");
          seg.title = `${top.entity_type} · ${pct(top.score)} · ${top.status}`;
          for (const s of over) if (!S.firstSeg.has(s.id)) S.firstSeg.set(s.id, seg);
        }
        const st = stmts.find((x) => x.start <= a && x.end >= b);
        if (st) {
          seg.classList.add(`st-${st.kind}`);
          if (st.unattributed_opinion) seg.classList.add("st-unattributed");
          if (!over.length) seg.title = statementTitle(st);
        }
        frag.append(seg);
      }
      box.replaceChildren(frag);
    }

    function renderGroups() {
      const box = $("#groups");
      const frag = document.createDocumentFragment();
      let netShown = false;
      for (const g of S.groups) {
        const first = g.spans[0];
        if (first.entity_type === "UNKNOWN" && !netShown) {
          netShown = true;
          frag.append(el("h3", { class: "net-heading", id: "net-heading" }, "Not recognised by any rule"),
            el("p", { class: "muted net-help" }, "The safety net: words no vocabulary knows and numbers no rule "
              + "explains. Reject what is safe; retype what is personal data. Undecided ones are removed from a "
              + "publication and from any unattended run."));
        }
        const head = el("div", { class: "group-head" },
          el("span", { class: `mark t-${first.entity_type}` }, g.label),
          el("span", { class: "muted" }, ` ${first.entity_type === "UNKNOWN" ? "not recognised" : first.entity_type}${first.role ? " · " + first.role : ""} · ${g.spans.length} mention${g.spans.length > 1 ? "s" : ""}, ${g.spans.length - g.pending} reviewed`));
        if (canDecide && g.pending) {
          head.append(el("button", { type: "button", class: "small ok group-accept", dataset: { group: g.key }, textContent: "Accept all" }),
            el("button", { type: "button", class: "small no group-reject", dataset: { group: g.key }, textContent: "Reject all" }));
        }
        const items = el("ul", { class: "items" });
        for (const s of g.spans) {
          const li = el("li", { class: `item s-${s.status}${s.id === S.current ? " current" : ""}`, dataset: { id: s.id } },
            el("span", { class: "item-text" }, s.text),
            el("span", { class: "muted" }, ` ${pct(s.score)} `),
            el("span", { class: `pill s-${s.status}` }, s.status));
          items.append(li);
        }
        frag.append(el("section", { class: "group", dataset: { group: g.key } }, head, items));
      }
      if (!S.groups.length) frag.append(el("p", { class: "empty" }, "No findings. Select text in the document to add one."));
      box.replaceChildren(frag);
    }

    function renderCurrent() {
      const s = S.spans.get(S.current);
      const box = $("#current");
      box.hidden = !s;
      if (!s) return;
      $("#cur-text").textContent = s.text;
      const st = $("#cur-status");
      st.textContent = s.status;
      st.className = `pill s-${s.status}`;
      $("#cur-meta").textContent = `${s.entity_type}${s.subtype ? " (" + s.subtype + ")" : ""} · confidence ${pct(s.score)} · ${s.source === "reviewer" ? "added by a reviewer" : s.recognizer}${s.updated_by ? " · last decided by " + s.updated_by : ""}`;
      $("#cur-why").textContent = s.explanation;
      const sel = $("#type-select");
      if (sel) sel.value = s.entity_type;
    }

    function renderAll() {
      computeOrder();
      renderProgress();
      renderDoc();
      renderGroups();
      renderCurrent();
    }

    function select(id, scroll = true) {
      S.current = id;
      renderDoc();
      renderGroups();
      renderCurrent();
      if (scroll && id != null) {
        const seg = S.firstSeg.get(id);
        if (seg) seg.scrollIntoView({ block: "center", behavior: "smooth" });
        const li = $(`#groups li[data-id="${id}"]`);
        if (li) li.scrollIntoView({ block: "nearest" });
      }
    }

    function move(step) {
      if (!S.order.length) return;
      const i = S.order.indexOf(S.current);
      const next = i < 0 ? (step > 0 ? 0 : S.order.length - 1) : (i + step + S.order.length) % S.order.length;
      select(S.order[next]);
    }

    function nextPending(after) {
      const i = S.order.indexOf(after);
      for (let k = 1; k <= S.order.length; k++) {
        const id = S.order[(i + k) % S.order.length];
        if (S.spans.get(id).status === "pending") return id;
      }
      return after;
    }

    function applySpan(s) { S.spans.set(s.id, s); }

    // Decisions go to the server one at a time, each with the version the previous one returned,
    // so quick key presses never conflict with each other (only with other reviewers).
    let queue = Promise.resolve();
    const enqueue = (job) => { queue = queue.then(job, job); return queue; };

    function decide(action, extra = {}) {
      const id = S.current;
      if (id == null || !canDecide) return queue;
      if (action === "accept" || action === "reject") {
        S.current = nextPending(id);       // move on at once; the server's answer updates the span
        select(S.current);
      }
      return enqueue(async () => {
        const s = S.spans.get(id);
        try {
          applySpan(await api("POST", `/api/spans/${id}/decision`, { action, version: s.version, ...extra }));
        } catch (e) {
          if (e.status === 409 && e.data && e.data.current) {
            applySpan(e.data.current);
            toast(`${e.message}: now ${e.data.current.status}${e.data.current.updated_by ? " (by " + e.data.current.updated_by + ")" : ""}`, "warn");
          } else toast(e.message, "error");
        }
        renderAll();
      });
    }

    function decideGroup(group, action) {
      return enqueue(async () => { try {
        const changed = await api("POST", `/api/documents/${docId}/groups/decision`, { group, action });
        changed.forEach(applySpan);
        renderAll();
        toast(`${action === "accept" ? "Accepted" : "Rejected"} ${changed.length} mention${changed.length === 1 ? "" : "s"}`);
      } catch (e) { toast(e.message, "error"); } });
    }

    // selection → document offsets (each .seg knows where its text starts)
    function offsetOf(node, offset) {
      const doc = $("#doc");
      if (node.nodeType === Node.TEXT_NODE) {
        const seg = node.parentElement.closest(".seg");
        return seg ? Number(seg.dataset.start) + offset : null;
      }
      if (node === doc) {
        const child = doc.childNodes[offset];
        return child ? Number(child.dataset.start) : S.text.length;
      }
      const seg = node.closest && node.closest(".seg");
      if (!seg) return null;
      return Number(seg.dataset.start) + (offset > 0 ? seg.textContent.length : 0);
    }

    function selection() {
      const sel = window.getSelection();
      if (!sel || sel.isCollapsed || !sel.rangeCount || S.view !== "review") return null;
      const r = sel.getRangeAt(0);
      const doc = $("#doc");
      if (!doc.contains(r.startContainer) || !doc.contains(r.endContainer)) return null;
      const start = offsetOf(r.startContainer, r.startOffset);
      const end = offsetOf(r.endContainer, r.endOffset);
      if (start == null || end == null || end <= start) return null;
      return { start, end };
    }

    function updateSelectionTools() {
      const sel = selection();
      const tools = $("#selection-tools");
      tools.hidden = !sel;
      if (sel) $("#selection-text").textContent = S.text.slice(sel.start, sel.end);
      S.selection = sel;
    }

    function addSelection() {
      const sel = S.selection || selection();
      if (!sel || !canDecide) return queue;
      return enqueue(async () => { try {
        const s = await api("POST", `/api/documents/${docId}/spans`, { start: sel.start, end: sel.end, entity_type: $("#add-type").value });
        applySpan(s);
        window.getSelection().removeAllRanges();
        S.selection = null;
        $("#selection-tools").hidden = true;
        renderAll();
        select(s.id);
        toast(`Added “${s.text}” as ${s.entity_type}`);
      } catch (e) {
        if (e.status === 409 && e.data && e.data.current) { applySpan(e.data.current); renderAll(); }
        toast(e.message, "error");
      } });
    }

    async function setBounds() {
      const sel = S.selection || selection();
      if (!sel || S.current == null) return;
      await decide("edit", { start: sel.start, end: sel.end });
      window.getSelection().removeAllRanges();
      $("#selection-tools").hidden = true;
    }

    // previews and export
    async function showView(view) {
      S.view = view;
      $$("#views .tab").forEach((t) => {
        const on = t.dataset.view === view;
        t.classList.toggle("active", on);
        t.setAttribute("aria-selected", on ? "true" : "false");
      });
      const review = view === "review";
      $("#doc").hidden = !review;
      $("#legend").hidden = !review;
      $("#preview").hidden = review;
      $("#preview-bar").hidden = review;
      if (review) return;
      $("#preview-info").textContent = "Preparing preview…";
      $("#export-links").replaceChildren();
      $("#export-btn").textContent = `Export ${view} version`;
      try {
        const p = await api("GET", `/api/documents/${docId}/preview?profile=${encodeURIComponent(view)}`);
        if (S.view !== view) return;
        const frag = document.createDocumentFragment();
        for (const piece of p.pieces) {
          frag.append(piece.changed ? el("mark", { class: `red t-${piece.entity_type} style-${piece.style}`, title: piece.entity_type }, piece.text)
            : document.createTextNode(piece.text));
        }
        $("#preview").replaceChildren(frag);
        $("#preview-info").textContent = `${p.changes} change${p.changes === 1 ? "" : "s"}` +
          (p.unreviewed ? ` · ${p.unreviewed} finding${p.unreviewed === 1 ? "" : "s"} not reviewed yet (they are redacted)` : " · every finding reviewed");
      } catch (e) {
        $("#preview-info").textContent = e.message;
      }
    }

    async function exportCurrent() {
      const profile = S.view;
      const button = $("#export-btn");
      button.disabled = true;
      try {
        const x = await api("POST", `/api/documents/${docId}/exports`, { profile });
        const links = [el("a", { href: x.download_url, download: x.filename, id: "download-link" }, "download again"),
          " · ", el("a", { href: `/api/exports/${x.id}/log.json`, download: "" }, "redaction log")];
        if (x.schedule && x.schedule.length) links.push(" · ", el("a", { href: `/api/exports/${x.id}/schedule.csv`, download: "" }, "schedule (CSV)"),
          " · ", el("a", { href: `/api/exports/${x.id}/schedule.html`, download: "" }, "schedule (HTML)"));
        $("#export-links").replaceChildren(...links);
        toast(`Exported ${x.filename}${x.warnings.length ? " with " + x.warnings.length + " warning(s)" : ""}`);
        $("#download-link").click();
      } catch (e) {
        toast(e.data && e.data.findings ? `${e.message}` : e.message, "error");
      } finally { button.disabled = false; }
    }

    // events
    $("#doc").addEventListener("click", (ev) => {
      if (!window.getSelection().isCollapsed) return;
      const seg = ev.target.closest(".seg[data-spans]");
      if (!seg) return;
      const ids = seg.dataset.spans.split(" ").map(Number);
      const i = ids.indexOf(S.current);
      select(ids[(i + 1) % ids.length], false);
    });
    $("#groups").addEventListener("click", (ev) => {
      const b = ev.target.closest("button");
      if (b && b.classList.contains("group-accept")) return decideGroup(b.dataset.group, "accept");
      if (b && b.classList.contains("group-reject")) return decideGroup(b.dataset.group, "reject");
      const li = ev.target.closest("li[data-id]");
      if (li) select(Number(li.dataset.id));
    });
    document.addEventListener("selectionchange", () => { if (S.view === "review") updateSelectionTools(); });
    $("#views").addEventListener("click", (ev) => { const t = ev.target.closest(".tab"); if (t) showView(t.dataset.view); });
    $("#export-btn").addEventListener("click", exportCurrent);
    if (canDecide) {
      $("#accept-btn").addEventListener("click", () => decide("accept"));
      $("#reject-btn").addEventListener("click", () => decide("reject"));
      $("#accept-all-btn").addEventListener("click", () => { const s = S.spans.get(S.current); if (s) decideGroup(s.group, "accept"); });
      $("#type-select").addEventListener("change", (ev) => decide("retype", { entity_type: ev.target.value }));
      $("#add-btn").addEventListener("mousedown", (ev) => ev.preventDefault());   // keep the selection
      $("#add-btn").addEventListener("click", addSelection);
      $("#bounds-btn").addEventListener("mousedown", (ev) => ev.preventDefault());
      $("#bounds-btn").addEventListener("click", setBounds);
    }
    document.addEventListener("keydown", (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.closest("input, select, textarea")) return;
      const views = $$("#views .tab").map((t) => t.dataset.view);
      const keys = {
        j: () => move(1), k: () => move(-1), u: () => select(nextPending(S.current)),
        a: () => decide("accept"), r: () => decide("reject"),
        p: () => { const s = S.spans.get(S.current); if (s && canDecide) decideGroup(s.group, "accept"); },
        t: () => { const sel = $("#type-select"); if (sel && S.current != null) sel.focus(); },
        n: addSelection, b: setBounds,
        v: () => showView(views[(views.indexOf(S.view) + 1) % views.length]),
        Escape: () => { S.current = null; renderAll(); },
      };
      const action = keys[ev.key];
      if (action) { ev.preventDefault(); action(); }
    });

    async function load() {
      const d = await api("GET", `/api/documents/${docId}`);
      const status = $("#doc-status");
      if (d.status !== "ready") {
        status.hidden = false;
        status.textContent = d.status === "failed" ? `Analysis failed: ${d.error}` : `Analysis ${d.status}… ${d.progress}%`;
        $("#progress-text").textContent = d.status;
        if (d.status !== "failed") setTimeout(load, 1000);
        return;
      }
      status.hidden = true;
      const r = await api("GET", `/api/documents/${docId}/review`);
      S.text = r.text;
      S.statements = r.statements;
      S.spans = new Map(r.spans.map((s) => [s.id, s]));
      renderAll();
      if (r.warnings.length) toast(r.warnings.join(" · "), "warn");
      root.dataset.loaded = "yes";
    }
    load().catch((e) => toast(e.message, "error"));
  }

  const pages = { cases: casesPage, users: usersPage, case: casePage, review: reviewPage };
  const page = pages[document.body.dataset.page];
  if (page) page();
})();
