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

  // a message that must survive the reload that follows it (an upload, a saved register)
  function toastAfterReload(text, kind = "info") {
    sessionStorage.setItem("redactor.toast", JSON.stringify({ text, kind }));
    window.location.reload();
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
      if (!fd.get("ocr")) fd.delete("ocr");   // unticked: the default ("auto")
      const doc = await api("POST", `/api/cases/${caseId}/documents`, fd);
      toastAfterReload(`Uploaded ${doc.filename}; analysing…`);
    });
    onSubmit("register", async (fd) => {
      const c = await api("PUT", `/api/cases/${caseId}/register`, { text: fd.get("text"), format: fd.get("format") });
      toastAfterReload(`Register saved: ${c.people} people` + (c.reanalysing
        ? `; ${c.reanalysing} document${c.reanalysing === 1 ? " is" : "s are"} being analysed again (decisions that still apply are kept)` : ""));
    });
    // the register as a form: one row a person (other fields such as dates of birth are kept as they were)
    const FIELDS = ["id", "name", "role", "aliases", "nicknames", "dob", "addresses", "pseudonym"];
    const personRow = () => {
      const row = el("tr", { class: "person", dataset: { extra: "{}" } },
        el("td", {}, el("input", { name: "name", required: true })),
        el("td", {}, el("input", { name: "role" })),
        el("td", {}, el("input", { name: "aliases" })),
        el("td", {}, el("button", { type: "button", class: "link remove-person", textContent: "remove" })));
      $$("input", row).forEach((i) => i.setAttribute("aria-label", i.name.charAt(0).toUpperCase() + i.name.slice(1)));
      return row;
    };
    if ($("#people-form")) {
      $("#add-person").addEventListener("click", () => {
        const row = personRow();
        $("#people-rows").append(row);
        $("input", row).focus();
      });
      $("#people-rows").addEventListener("click", (ev) => {
        const b = ev.target.closest(".remove-person");
        if (b) b.closest("tr").remove();
      });
      onSubmit("people-form", async () => {
        const quote = (v) => `"${String(v).replace(/"/g, '""')}"`;
        const lines = [FIELDS.join(",")];
        for (const row of $$("#people-rows tr.person")) {
          const person = JSON.parse(row.dataset.extra || "{}");
          person.name = $("input[name=name]", row).value.trim();
          person.role = $("input[name=role]", row).value.trim();
          person.aliases = $("input[name=aliases]", row).value.split(";").map((x) => x.trim()).filter(Boolean);
          if (!person.name) continue;
          lines.push(FIELDS.map((f) => quote(Array.isArray(person[f]) ? person[f].join("; ") : (person[f] || ""))).join(","));
        }
        const c = await api("PUT", `/api/cases/${caseId}/register`, { text: lines.join("\n") + "\n", format: "csv" });
        toastAfterReload(`Register saved: ${c.people} people` + (c.reanalysing
          ? `; ${c.reanalysing} document${c.reanalysing === 1 ? " is" : "s are"} being analysed again (decisions that still apply are kept)` : ""));
      });
    }
    // the case's deny and allow lists: a change analyses the case's documents again
    const termsNote = (c) => (c.reanalysing ? `; ${c.reanalysing} document${c.reanalysing === 1 ? " is" : "s are"} being analysed again (decisions that still apply are kept)` : "");
    onSubmit("term-form", async (fd) => {
      const c = await api("POST", `/api/cases/${caseId}/terms`, { kind: fd.get("kind"), text: fd.get("text"), entity_type: fd.get("entity_type") });
      toastAfterReload(`“${fd.get("text").trim()}” is on the ${fd.get("kind")} list` + termsNote(c));
    });
    $$(".remove-term").forEach((b) => b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        const c = await api("DELETE", `/api/cases/${caseId}/terms/${b.dataset.termId}`);
        toastAfterReload(`“${b.dataset.text}” taken off the case's lists` + termsNote(c));
      } catch (e) { toast(e.message, "error"); b.disabled = false; }
    }));
    $$(".ocr-again").forEach((b) => b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        const d = await api("POST", `/api/documents/${b.dataset.docId}/reanalyse?ocr=always`);
        toastAfterReload(`Reading the scans of ${d.filename} again with OCR, then analysing it; decisions that still apply are kept`);
      } catch (e) { toast(e.message, "error"); b.disabled = false; }
    }));
    $$(".reanalyse").forEach((b) => b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        const d = await api("POST", `/api/documents/${b.dataset.docId}/reanalyse`);
        toastAfterReload(`Analysing ${d.filename} again; decisions that still apply are kept`);
      } catch (e) { toast(e.message, "error"); b.disabled = false; }
    }));
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
    const exportProfiles = (root.dataset.exportProfiles || "").split(" ").filter(Boolean);
    const S = { text: "", spans: new Map(), statements: [], order: [], current: null, view: "review", exportProfile: null,
      filter: "", needsOcr: [], sections: [], people: {}, tables: [] };
    const SHORTCUTS_KEY = "redactor.shortcuts";
    const shortcutsOn = () => localStorage.getItem(SHORTCUTS_KEY) !== "off";

    const visible = (s) => !(s.source === "reviewer" && s.status === "rejected");
    const pct = (x) => `${Math.round(x * 100)}%`;
    function context(s) {   // one line of the text around a mention, so 32 identical mentions can be told apart
      const before = S.text.slice(Math.max(0, s.start - 40), s.start).split("\n").pop();
      const after = S.text.slice(s.end, s.end + 40).split("\n")[0];
      return `…${before}[${S.text.slice(s.start, s.end)}]${after}…`;
    }

    // A person's group is headed by their name: the register's, else the most name-like mention (a name in
    // capitalised words, the fullest one), never an address or a date of birth that is also theirs.
    const NAME_LIKE = /^\p{Lu}[\p{L}'’.-]*(?:\s+(?:\p{Lu}[\p{L}'’.-]*|\p{Ll}{1,3}))*$/u;
    function groupLabel(key, spans) {
      const longest = (list) => list.reduce((best, s) => (s.text.length > best.length ? s.text : best), "");
      if (!key.startsWith("person:")) return longest(spans);
      const known = S.people[key.slice("person:".length)];
      if (known) return known;
      const people = spans.filter((s) => s.entity_type === "PERSON");
      const names = people.filter((s) => NAME_LIKE.test(s.text.trim()) && s.text.trim().split(/\s+/).length <= 5);
      return longest(names.length ? names : people.length ? people : spans);
    }

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
        const label = groupLabel(key, spans);
        return { key, spans, pending: pending.length, min: Math.min(...spans.map((s) => s.score)), label };
      });
      // the safety net's findings (UNKNOWN: no rule recognised them) come after the rules' findings, as their own group
      const net = (g) => g.spans[0].entity_type === "UNKNOWN";
      const removed = S.sections.filter((x) => x.removed);
      const goes = (s) => removed.some((x) => s.start >= x.start && s.end <= x.end);
      list.forEach((g) => { g.removedOnly = removed.length > 0 && g.spans.every(goes); });
      // the order is fixed by what analysis found (not by what is decided), so a group never jumps when decided
      const first = (g) => Math.min(...g.spans.map((s) => s.start));
      list.forEach((g) => { g.min = Math.min(...g.spans.map((s) => (s.source === "reviewer" ? 1 : s.score))); });
      list.sort((a, b) => net(a) - net(b) || a.removedOnly - b.removedOnly || a.min - b.min
        || a.label.localeCompare(b.label) || first(a) - first(b));
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
      S.segsOf = new Map();
      // one sweep: spans and statements that have started and not ended (a handful at a time), not a search per piece
      const byStart = spans.slice().sort((x, y) => x.start - y.start);
      const stByStart = stmts.slice().sort((x, y) => x.start - y.start);
      let si = 0, ti = 0, active = [], activeSt = [];
      const newPara = layout(frag);
      let para = newPara(0);
      for (let i = 0; i + 1 < points.length; i++) {
        const a = points[i], b = points[i + 1];
        while (si < byStart.length && byStart[si].start <= a) active.push(byStart[si++]);
        while (ti < stByStart.length && stByStart[ti].start <= a) activeSt.push(stByStart[ti++]);
        active = active.filter((s) => s.end > a);
        activeSt = activeSt.filter((x) => x.end > a);
        const over = active.filter((s) => s.end >= b).sort((x, y) => (x.end - x.start) - (y.end - y.start));
        const st = activeSt.find((x) => x.end >= b);
        // each line of the text is its own block, so a change in one re-lays out that line, not the whole document
        let pos = a;
        text.slice(a, b).split("\n").forEach((piece, k) => {
          if (k > 0) { pos += 1; para = newPara(pos); }
          if (!piece) return;
          const seg = el("span", { class: "seg", dataset: { start: pos } }, piece);
          pos += piece.length;
          if (over.length) {
            const top = over[0];
            seg.classList.add("mark", `t-${top.entity_type}`, `s-${top.status}`);
            if (top.score < 0.6 && top.status === "pending") seg.classList.add("low");
            if (over.some((s) => s.id === S.current)) seg.classList.add("current");
            seg.dataset.spans = over.map((s) => s.id).join(" ");
            seg.title = `${top.entity_type} · ${pct(top.score)} · ${top.status}`;
            for (const s of over) {
              if (!S.firstSeg.has(s.id)) S.firstSeg.set(s.id, seg);
              if (!S.segsOf.has(s.id)) S.segsOf.set(s.id, []);
              S.segsOf.get(s.id).push(seg);
            }
          }
          if (st) {
            seg.classList.add(`st-${st.kind}`);
            if (st.unattributed_opinion) seg.classList.add("st-unattributed");
            if (!over.length) seg.title = statementTitle(st);
          }
          para.append(seg);
        });
      }
      box.replaceChildren(frag);
    }

    // paragraphs, section labels and table grids by offsets in the original text: the review text and the previews
    function layout(frag) {
      // parts that are not the body (headers, comments, properties …) are labelled with what export does with them
      const sectionAt = new Map(S.sections.map((x) => [x.start, x]));
      let section = null;
      // table cells are drawn as grids: a cell's lines go in its <td>, the cells of a row in one <tr>
      const cellAt = new Map(S.tables.map((c) => [c.start, c]));
      let grid = null;   // {table, body, row, rowEl, cell, cellEl} while inside a table
      const cellFor = (c) => {
        if (!grid || grid.table !== c.table) {
          const body = el("tbody");
          frag.append(el("table", { class: "doc-table", dataset: { table: c.table } }, body));
          grid = { table: c.table, body, row: null, rowEl: null, cell: null, cellEl: null };
        }
        if (grid.row !== c.row) {
          grid.rowEl = el("tr", { dataset: { row: c.row } });
          grid.body.append(grid.rowEl);
          grid.row = c.row;
          grid.cell = null;
        }
        if (grid.cell !== c.col) {
          grid.cellEl = el("td", { dataset: { col: c.col } });
          grid.rowEl.append(grid.cellEl);
          grid.cell = c.col;
        }
        return grid.cellEl;
      };
      let inCell = null;   // the cell whose text is being laid out
      return (at) => {
        if (section && at >= section.end) section = null;
        if (inCell && at > inCell.end) inCell = null;
        if (cellAt.has(at)) inCell = cellAt.get(at);
        if (!inCell) grid = null;
        if (sectionAt.has(at)) {
          section = sectionAt.get(at);
          grid = null;
          frag.append(el("div", { class: `section-label${section.removed ? " removed" : ""}`, dataset: { kind: section.kind } },
            `${section.label}: ${section.export}`));
        }
        const p = el("div", { class: section ? `para in-section${section.removed ? " removed" : ""}` : "para" });
        (inCell ? cellFor(inCell) : frag).append(p);
        return p;
      };
    }

    function renderGroups() {
      const box = $("#groups");
      const had = document.activeElement;   // keyboard users keep their place when the list is redrawn
      const focus = had && box.contains(had) ? (had.matches("li[data-id]") ? `li[data-id="${S.current ?? had.dataset.id}"]`
        : had.matches("button[data-group]") ? `section[data-group="${CSS.escape(had.dataset.group)}"] li[data-id]` : null) : null;
      const frag = document.createDocumentFragment();
      let netShown = false, removedShown = false;
      const q = S.filter.trim().toLowerCase();
      const type = $("#filter-type").value, status = $("#filter-status").value, low = $("#filter-low").checked;
      const part = $("#filter-part").value;
      for (const g of S.groups) {
        const first = g.spans[0];
        if (q && !g.spans.some((s) => s.text.toLowerCase().includes(q)) && !first.entity_type.toLowerCase().includes(q)
          && !(first.role || "").toLowerCase().includes(q) && !g.spans.some((s) => s.status === q)) continue;
        if (type && first.entity_type !== type) continue;
        if (status && !g.spans.some((s) => s.status === status)) continue;
        if (low && !(g.min < 0.6)) continue;
        if (part && !g.spans.some((s) => s.part === part)) continue;
        if (g.removedOnly && !removedShown && first.entity_type !== "UNKNOWN") {
          removedShown = true;
          frag.append(el("h3", { class: "net-heading", id: "removed-heading" }, "Only in comments or tracked deletions"),
            el("p", { class: "muted net-help" }, "Export removes these parts, so these findings never reach an output."));
        }
        if (first.entity_type === "UNKNOWN" && !netShown) {
          netShown = true;
          frag.append(el("h3", { class: "net-heading", id: "net-heading" }, "Not recognised by any rule"),
            el("p", { class: "muted net-help" }, "The safety net: words no vocabulary knows and numbers no rule "
              + "explains. Reject what is safe; retype what is personal data. Undecided ones are removed from a "
              + "publication and from any unattended run."));
        }
        frag.append(groupSection(g, part));
      }
      if (!S.groups.length) frag.append(el("p", { class: "empty" }, "No findings. Select text in the document to add one."));
      else if (!frag.childNodes.length) frag.append(el("p", { class: "empty" }, `No finding matches “${S.filter}”.`));
      box.replaceChildren(frag);
      if (focus) { const again = $(focus, box); if (again) again.focus({ preventScroll: true }); }
    }

    function groupSection(g, part = "") {
        const first = g.spans[0];
        const head = el("div", { class: "group-head" },
          el("span", { class: `mark t-${g.key.startsWith("person:") ? "PERSON" : first.entity_type}` }, g.label),
          el("span", { class: "muted" }, ` ${first.entity_type === "UNKNOWN" ? "not recognised" : first.entity_type}${first.role ? " · " + first.role : ""} · ${g.spans.length} mention${g.spans.length > 1 ? "s" : ""}, ${g.spans.length - g.pending} reviewed`));
        if (canDecide) {
          // undecided mentions first; once all are decided the buttons reverse the decided ones (undo: z)
          const n = g.spans.length;
          const accepted = g.spans.filter((s) => s.status === "accepted").length;
          const rejected = g.spans.filter((s) => s.status === "rejected").length;
          const what = g.pending ? `${g.pending} undecided mention${g.pending === 1 ? "" : "s"}` : `${n} mention${n === 1 ? "" : "s"}`;
          const button = (action, include) => el("button", {
            type: "button", class: `small ${action === "accept" ? "ok group-accept" : "no group-reject"}`,
            dataset: { group: g.key, include: include ? "yes" : "no" },
            textContent: action === "accept" ? "Accept all" : "Reject all",
          });
          const acc = button("accept", !g.pending), rej = button("reject", !g.pending);
          acc.setAttribute("aria-label", `Accept all ${what} of ${g.label}`);
          rej.setAttribute("aria-label", `Reject all ${what} of ${g.label}`);
          if (g.pending || rejected) head.append(acc);
          if (g.pending || accepted) head.append(rej);
        }
        const items = el("ul", { class: "items" });
        items.setAttribute("aria-label", `Mentions of ${g.label}`);
        for (const s of g.spans) {
          if (part && s.part !== part) continue;   // the part filter lists only the mentions in that part
          const li = el("li", { class: `item s-${s.status}${s.id === S.current ? " current" : ""}`, dataset: { id: s.id },
            tabIndex: 0 },
            el("span", { class: "item-text" }, s.text),
            el("span", { class: "muted" }, ` ${pct(s.score)} `),
            el("span", { class: `pill s-${s.status}` }, s.status),
            el("span", { class: "item-context" }, context(s)));
          if (s.id === S.current) li.setAttribute("aria-current", "true");
          li.setAttribute("aria-label", `${s.text}, ${s.entity_type}, ${s.status}, in: ${context(s)}`);
          items.append(li);
        }
        return el("section", { class: "group", dataset: { group: g.key } }, head, items);
    }

    // After decisions that keep each span's bounds (accept, reject, retype, most undos), only the changed spans'
    // highlights and their groups are redrawn; anything else redraws the page.
    function applyChanges(changed) {
      const before = changed.map((s) => S.spans.get(s.id));
      changed.forEach(applySpan);
      const local = before.every((old, i) => old && old.start === changed[i].start && old.end === changed[i].end
        && old.group === changed[i].group && visible(old) === visible(changed[i]) && S.segsOf);
      if (!local) { renderAll(); return; }
      computeOrder();
      renderProgress();
      for (const s of changed) for (const seg of S.segsOf.get(s.id) || []) paintSeg(seg);
      const box = $("#groups");
      const had = document.activeElement;
      const keepFocus = had && box.contains(had);
      for (const key of new Set(changed.map((s) => s.group))) {
        const g = S.groups.find((x) => x.key === key);
        const old = $(`section[data-group="${CSS.escape(key)}"]`, box);
        if (g && old) old.replaceWith(groupSection(g, $("#filter-part").value));
      }
      if (keepFocus && !box.contains(document.activeElement)) {
        const li = $(`#groups li[data-id="${S.current}"]`);
        if (li) li.focus({ preventScroll: true });
      }
      renderCurrent();
      if (S.view === "pages") paintBoxes();
    }

    function paintSeg(seg) {   // a segment's look from the spans over it (shortest first), keeping its statement marks
      const over = seg.dataset.spans.split(" ").map((id) => S.spans.get(Number(id))).filter((s) => s && visible(s));
      if (!over.length) return;
      const top = over[0];
      const keep = Array.from(seg.classList).filter((c) => c.startsWith("st-"));
      seg.className = ["seg", "mark", `t-${top.entity_type}`, `s-${top.status}`, ...keep].join(" ");
      if (top.score < 0.6 && top.status === "pending") seg.classList.add("low");
      if (over.some((s) => s.id === S.current)) seg.classList.add("current");
      seg.title = `${top.entity_type} · ${pct(top.score)} · ${top.status}`;
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
      $("#cur-meta").textContent = `${s.entity_type}${s.subtype ? " (" + s.subtype + ")" : ""} · confidence ${pct(s.score)} · ${s.source === "reviewer" ? "added by a reviewer" : "found by " + s.found_by}${s.updated_by ? " · last decided by " + s.updated_by : ""}`;
      $("#cur-why").textContent = s.why || s.explanation;
      $("#cur-why-raw").textContent = `${s.recognizer}: ${s.explanation}`;
      const sel = $("#type-select");
      if (sel && document.activeElement !== sel) sel.value = s.entity_type;
      if ($("#exemption-box")) {   // FOI officers: the exemptions written on this box and in the schedule
        $$("#exemption-box input[name=exemption]").forEach((c) => { c.checked = (s.exemptions || []).includes(c.value); });
        $("#exemption-summary").textContent = s.exemptions && s.exemptions.length ? `(${s.exemptions.join("; ")})`
          : "(none chosen: the profile's own)";
      }
    }

    let urlTimer = 0;
    function saveUrl() {   // the tab and the current finding survive a reload (batched: browsers throttle replaceState)
      clearTimeout(urlTimer);
      urlTimer = setTimeout(writeUrl, 250);
    }

    function writeUrl() {
      const u = new URL(window.location.href);
      if (S.view !== "review") u.searchParams.set("view", S.view); else u.searchParams.delete("view");
      if (S.current != null) u.searchParams.set("finding", String(S.current)); else u.searchParams.delete("finding");
      window.history.replaceState(null, "", u);
    }

    // opinions and intentions, by whose they are and whom they are about ("Opinions about Mother")
    function renderStatements() {
      const box = $("#statement-groups");
      const groups = new Map();
      for (const st of S.statements) {
        if (st.kind === "fact") continue;
        const kind = st.kind === "opinion" ? "Opinions" : "Intentions";
        const key = `${kind}${st.subject ? " about " + st.subject : ""}${st.holder ? " held by " + st.holder : ""}`;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(st);
      }
      if (!groups.size) { box.replaceChildren(el("p", { class: "muted" }, "None found.")); return; }
      const keys = Array.from(groups.keys()).sort();
      box.replaceChildren(...keys.map((key) => el("details", { class: "statement-group" },
        el("summary", {}, `${key} (${groups.get(key).length})`),
        el("ul", { class: "plain" }, ...groups.get(key).map((st) => {
          const text = S.text.slice(st.start, st.end).trim();
          const li = el("li", { class: "statement", tabIndex: 0, dataset: { start: st.start } },
            text.length > 140 ? text.slice(0, 140) + "…" : text,
            st.unattributed_opinion ? el("span", { class: "pill s-pending" }, "written as fact") : "");
          li.setAttribute("aria-label", `${statementTitle(st)}: ${text}`);
          return li;
        })))));
    }

    function showStatement(start) {   // the statement in the text, scrolled into view
      if (S.view !== "review") showView("review");
      const seg = $$("#doc .seg").find((x) => Number(x.dataset.start) >= start);
      if (seg) { seg.scrollIntoView({ block: "center" }); seg.classList.add("flash"); setTimeout(() => seg.classList.remove("flash"), 1500); }
    }

    function renderAll() {
      computeOrder();
      renderProgress();
      renderDoc();
      renderGroups();
      renderCurrent();
    }

    // moving between findings only moves the highlight: nothing is redrawn (a keypress stays fast on long documents)
    function markCurrent(id) {
      for (const seg of $$("#doc .seg.current")) seg.classList.remove("current");
      for (const seg of (S.segsOf && S.segsOf.get(id)) || []) seg.classList.add("current");
      const old = $("#groups li.current");
      const had = old && old === document.activeElement;
      if (old) { old.classList.remove("current"); old.removeAttribute("aria-current"); }
      const li = id == null ? null : $(`#groups li[data-id="${id}"]`);
      if (li) {
        li.classList.add("current");
        li.setAttribute("aria-current", "true");
        if (had) li.focus({ preventScroll: true });
      }
    }

    function select(id, scroll = true) {
      S.current = id;
      saveUrl();
      markCurrent(id);
      renderCurrent();
      if (S.view === "pages") paintBoxes();
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

    function applySpan(s) {   // a decision's answer has no part of the document (it never moves): keep the one known
      const old = S.spans.get(s.id);
      if (!s.part && old) s.part = old.part;
      S.spans.set(s.id, s);
    }

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
          applyChanges([await api("POST", `/api/spans/${id}/decision`, { action, version: s.version, ...extra })]);
        } catch (e) {
          if (e.status === 409 && e.data && e.data.current) {
            applyChanges([e.data.current]);
            toast(`${e.message}: now ${e.data.current.status}${e.data.current.updated_by ? " (by " + e.data.current.updated_by + ")" : ""}`, "warn");
          } else toast(e.message, "error");
        }
        refreshHistory();
      });
    }

    function decideGroup(group, action, includeDecided = false) {
      return enqueue(async () => { try {
        const changed = await api("POST", `/api/documents/${docId}/groups/decision`, { group, action, include_decided: includeDecided });
        applyChanges(changed);
        refreshHistory();
        toast(`${action === "accept" ? "Accepted" : "Rejected"} ${changed.length} mention${changed.length === 1 ? "" : "s"}`
          + (changed.length ? " (z to undo)" : ""));
      } catch (e) { toast(e.message, "error"); } });
    }

    // undo / redo: the server keeps the history; each button names what it would undo or redo
    let historyAsked = 0;
    async function refreshHistory() {   // not awaited by decisions: the next key press need not wait for it
      if (!canDecide) return;
      const asked = ++historyAsked;
      try {
        const h = await api("GET", `/api/documents/${docId}/history`);
        if (asked === historyAsked) showHistory(h);   // an older answer arriving late is dropped
      } catch (e) { toast(e.message, "error"); }
    }

    function showHistory(h) {
      for (const [id, step, word] of [["#undo-btn", h.undo, "Undo"], ["#redo-btn", h.redo, "Redo"]]) {
        const b = $(id);
        b.disabled = !step;
        const label = step ? `${word}: ${step.label}` : `Nothing to ${word.toLowerCase()}`;
        b.title = label;
        b.setAttribute("aria-label", label);
      }
    }

    function reverse(redo) {
      if (!canDecide) return queue;
      return enqueue(async () => { try {
        const r = await api("POST", `/api/documents/${docId}/${redo ? "redo" : "undo"}`);
        applyChanges(r.spans);
        showHistory(r.history);
        toast(r.done.charAt(0).toUpperCase() + r.done.slice(1));
      } catch (e) {
        if (e.status === 409 && e.data && e.data.current) { applySpan(e.data.current); renderAll(); }
        toast(e.message, "warn");
      } });
    }

    // selection → document offsets (each .seg knows where its text starts)
    const GRID_TAGS = new Set(["TABLE", "TBODY", "TR", "TD"]);
    function offsetOf(node, offset) {
      const doc = $("#doc");
      if (node.nodeType === Node.TEXT_NODE) {
        const seg = node.parentElement.closest(".seg");
        return seg ? Number(seg.dataset.start) + offset : null;
      }
      if (node === doc || (node.classList && node.classList.contains("para")) || GRID_TAGS.has(node.nodeName)) {   // between lines, segments or cells
        let child = node.childNodes[offset];
        if (child && child.classList && child.classList.contains("section-label")) child = child.nextElementSibling;
        const seg = child && (child.classList.contains("seg") ? child : child.querySelector(".seg"));
        if (seg) return Number(seg.dataset.start);
        const segs = node.querySelectorAll(".seg");
        const last = segs[segs.length - 1];
        return last ? Number(last.dataset.start) + last.textContent.length : (child ? null : S.text.length);
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

    let countTimer = 0;
    function updateSelectionTools() {
      const sel = selection();
      const tools = $("#selection-tools");
      tools.hidden = !sel;
      if (sel) $("#selection-text").textContent = S.text.slice(sel.start, sel.end);
      const same = sel && S.selection && sel.start === S.selection.start && sel.end === S.selection.end;
      S.selection = sel;
      if (!sel || same || !canDecide) return;
      // how many times the words occur, shown before anything is added
      const count = $("#occurrence-count");
      count.textContent = "";
      clearTimeout(countTimer);
      countTimer = setTimeout(async () => {
        try {
          const n = await api("GET", `/api/documents/${docId}/occurrences?start=${sel.start}&end=${sel.end}`);
          if (S.selection !== sel) return;
          const fresh = n.count - n.flagged;
          count.textContent = `(${n.count} in this document${n.flagged ? `, ${n.flagged} already marked` : ""}; adds ${fresh})`;
        } catch (e) { count.textContent = `(${e.message})`; }
      }, 150);
    }

    function addSelection() {
      const sel = S.selection || selection();
      if (!sel || !canDecide) return queue;
      const scope = ($("input[name=add-scope]:checked") || { value: "all" }).value;
      return enqueue(async () => { try {
        const r = await api("POST", `/api/documents/${docId}/spans`, { start: sel.start, end: sel.end, entity_type: $("#add-type").value, scope });
        r.added.forEach(applySpan);
        const s = r.span;
        window.getSelection().removeAllRanges();
        S.selection = null;
        $("#selection-tools").hidden = true;
        renderAll();
        select(s.id);
        refreshHistory();
        toast((r.added.length > 1 ? `Added “${s.text}” as ${s.entity_type} at ${r.added.length} places (z to undo)`
          : `Added “${s.text}” as ${s.entity_type}`) + (scope === "case" ? `; on the case's deny list, ${r.reanalysing} other document${r.reanalysing === 1 ? "" : "s"} being analysed again` : ""));
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
      const review = view === "review", pagesView = view === "pages";
      $("#doc").hidden = !review;
      $("#legend").hidden = !(review || pagesView);
      if ($("#pageview")) $("#pageview").hidden = !pagesView;
      $("#preview").hidden = review || pagesView;
      $("#preview-bar").hidden = review || pagesView;
      $("#export-gate").hidden = true;
      saveUrl();
      if (review) return;
      if (pagesView) { loadPages(); return; }
      $("#preview-info").textContent = "Preparing preview…";
      $("#export-links").replaceChildren();
      const mayExport = exportProfiles.includes(view);
      $("#export-btn").hidden = !mayExport;
      $("#export-btn").textContent = `Export ${view} version`;
      $("#export-not-allowed").hidden = mayExport;
      $("#export-not-allowed").textContent = mayExport ? "" : `Your role previews the ${view} version; others export it.`;
      $("#withhold-option").hidden = !(mayExport && S.needsOcr.length);   // offered only where a page cannot be read
      try {
        const p = await api("GET", `/api/documents/${docId}/preview?profile=${encodeURIComponent(view)}`);
        if (S.view !== view) return;
        const frag = document.createDocumentFragment();
        const newPara = layout(frag);   // laid out as the review text is: paragraphs, parts, tables as grids
        let para = newPara(0);
        for (const piece of p.pieces) {
          if (piece.changed) {
            para.append(el("mark", { class: `red t-${piece.entity_type} style-${piece.style}`, title: piece.entity_type }, piece.text));
            continue;
          }
          let pos = piece.start;
          piece.text.split("\n").forEach((line, k) => {
            if (k > 0) { pos += 1; para = newPara(pos); }
            if (line) para.append(document.createTextNode(line));
            pos += line.length;
          });
        }
        $("#preview").replaceChildren(frag);
        S.unreviewedNote = p.consequence;
        $("#preview-info").textContent = `${p.changes} change${p.changes === 1 ? "" : "s"}` + (S.needsOcr.length
          ? ` · page${S.needsOcr.length === 1 ? "" : "s"} ${S.needsOcr.join(", ")} have no text layer: nothing on them was checked`
          : "") + (p.unreviewed ? ` · ${p.unreviewed} finding${p.unreviewed === 1 ? "" : "s"} not reviewed yet: ${p.consequence}`
          : (S.spans.size ? " · every finding reviewed" : " · no findings"));
      } catch (e) {
        $("#preview-info").textContent = e.message;
      }
    }

    function exportLinks(x, primary = false) {
      const links = [el("a", primary ? { href: x.download_url, download: x.filename, id: "download-link" }
        : { href: x.download_url, download: x.filename }, primary ? "download again" : x.filename),
        " · ", el("a", { href: `/api/exports/${x.id}/log.json`, download: "" }, "redaction log")];
      if (x.profile === "foi") links.push(" · ", el("a", { href: `/api/exports/${x.id}/schedule.csv`, download: "" }, "schedule (CSV)"),
        " · ", el("a", { href: `/api/exports/${x.id}/schedule.html`, download: "" }, "schedule (HTML)"));
      return links;
    }

    async function loadExports() {
      const list = await api("GET", `/api/documents/${docId}/exports`);
      const box = $("#exports");
      if (!list.length) { box.replaceChildren(el("li", { class: "muted" }, "None yet.")); return; }
      box.replaceChildren(...list.map((x) => el("li", { class: "export", dataset: { exportId: x.id } },
        el("strong", {}, x.profile), ` by ${x.created_by_name || "a former user"}, ${new Date(x.created_at).toLocaleString()}`,
        x.unreviewed ? el("span", { class: "pill s-pending" }, `${x.unreviewed} unreviewed`) : "",
        el("br"), ...exportLinks(x),
        el("br"), el("code", { class: "hash", title: "SHA-256 of the exported file" }, `sha256 ${x.sha256}`),
        x.warnings.length ? el("ul", { class: "export-warnings" }, ...x.warnings.map((w) => el("li", {}, w))) : "")));
    }

    function showWarnings(warnings) {
      $("#export-warnings").hidden = !warnings.length;
      $("#export-warning-list").replaceChildren(...warnings.map((w) => el("li", {}, w)));
    }

    // the page view (PDFs): each page as an image, each finding a box per line, coloured like the text view
    async function loadPages() {
      const box = $("#pageview");
      box.replaceChildren(el("p", { class: "muted" }, "Rendering the pages…"));
      try {
        const v = await api("GET", `/api/documents/${docId}/pages`);
        const frag = document.createDocumentFragment();
        if (v.not_placed) {   // never a box in the wrong place: the findings that could not be placed are counted
          frag.append(el("p", { class: "note not-placed", role: "status" },
            `${v.not_placed} finding${v.not_placed === 1 ? "" : "s"} not shown on the page view; see the text view`));
        }
        for (const p of v.pages) {
          const page = el("div", { class: "page", dataset: { page: p.number } },
            el("img", { src: p.image, alt: `Page ${p.number}`, loading: "lazy", width: Math.round(p.width), height: Math.round(p.height) }));
          if (p.needs_ocr) page.append(el("p", { class: "ocr page-ocr" }, "No text layer: nothing on this page was checked"));
          const at = (b) => ({ left: `${(100 * b.x0) / p.width}%`, top: `${(100 * b.top) / p.height}%`,
            width: `${(100 * (b.x1 - b.x0)) / p.width}%`, height: `${(100 * (b.bottom - b.top)) / p.height}%` });
          if (p.ocr) {   // a scan: shown straightened as OCR read it; the words OCR was unsure of are outlined
            const low = p.ocr.low.length;
            page.append(el("p", { class: "ocr page-scan" }, `Scanned page, read by OCR (mean confidence ${Math.round(p.ocr.confidence)}%)`
              + (low ? `; ${low} word${low === 1 ? "" : "s"} read with low confidence, outlined in dots: check ${low === 1 ? "it" : "them"} against the image` : "")));
            for (const w of p.ocr.low) {
              const mark = el("span", { class: "lowconf", title: `OCR was unsure of this word (confidence ${w.confidence}%)` });
              Object.assign(mark.style, at(w));
              page.append(mark);
            }
          }
          for (const b of v.boxes.filter((x) => x.page === p.number)) {
            const s = S.spans.get(b.span_id);
            const mark = el("button", { type: "button", class: "pbox", dataset: { spanId: b.span_id } });
            mark.setAttribute("aria-label", s ? `${s.text}, ${s.entity_type}, ${s.status}` : "finding");
            Object.assign(mark.style, at(b));
            page.append(mark);
          }
          frag.append(page);
        }
        box.replaceChildren(frag);
        paintBoxes();
      } catch (e) { box.replaceChildren(el("p", { class: "error" }, e.message)); }
    }

    function paintBoxes() {
      for (const b of $$("#pageview .pbox")) {
        const s = S.spans.get(Number(b.dataset.spanId));
        if (!s) continue;
        b.className = `pbox t-${s.entity_type} s-${s.status}${s.id === S.current ? " current" : ""}`;
        b.title = `${s.text} · ${s.entity_type} · ${s.status}`;
      }
    }

    async function exportCurrent(confirmed = false) {
      const profile = S.view;
      const button = $("#export-btn");
      button.disabled = true;
      $("#export-gate").hidden = true;
      try {
        const x = await api("POST", `/api/documents/${docId}/exports`, { profile, confirm_unreviewed: confirmed,
          withhold_unreadable_pages: S.needsOcr.length > 0 && $("#withhold-unreadable").checked });
        $("#export-links").replaceChildren(...exportLinks(x, true));
        showWarnings(x.warnings);
        toast(`Exported ${x.filename}${x.warnings.length ? ` with ${x.warnings.length} warning${x.warnings.length === 1 ? "" : "s"} (listed below the preview bar)` : ""}`);
        $("#download-link").click();
        await loadExports();
      } catch (e) {
        if (e.status === 409 && e.data && e.data.needs_confirmation) {
          $("#gate-text").textContent = e.message;
          $("#export-gate").hidden = false;
          $("#gate-cancel").focus();
        } else toast(e.message, "error");
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
      if (b && b.classList.contains("group-accept")) return decideGroup(b.dataset.group, "accept", b.dataset.include === "yes");
      if (b && b.classList.contains("group-reject")) return decideGroup(b.dataset.group, "reject", b.dataset.include === "yes");
      const li = ev.target.closest("li[data-id]");
      if (li) select(Number(li.dataset.id));
    });
    $("#groups").addEventListener("keydown", (ev) => {   // Tab reaches each mention; Enter or Space picks it
      const li = ev.target.closest("li[data-id]");
      if (li && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); select(Number(li.dataset.id)); }
    });
    if ($("#pageview")) $("#pageview").addEventListener("click", (ev) => {
      const b = ev.target.closest(".pbox");
      if (b) select(Number(b.dataset.spanId), false);
    });
    $("#statement-groups").addEventListener("click", (ev) => {
      const li = ev.target.closest("li.statement");
      if (li) showStatement(Number(li.dataset.start));
    });
    $("#statement-groups").addEventListener("keydown", (ev) => {
      const li = ev.target.closest("li.statement");
      if (li && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); showStatement(Number(li.dataset.start)); }
    });
    for (const id of ["#filter-type", "#filter-status", "#filter-low", "#filter-part"]) $(id).addEventListener("change", () => renderGroups());
    let filterTimer = 0;
    $("#filter").addEventListener("input", (ev) => {
      clearTimeout(filterTimer);
      filterTimer = setTimeout(() => { S.filter = ev.target.value; renderGroups(); }, 80);
    });
    const toggle = $("#shortcuts-toggle");
    toggle.checked = shortcutsOn();
    toggle.addEventListener("change", () => {
      localStorage.setItem(SHORTCUTS_KEY, toggle.checked ? "on" : "off");
      toast(toggle.checked ? "Single-key shortcuts are on" : "Single-key shortcuts are off");
    });
    document.addEventListener("selectionchange", () => { if (S.view === "review") updateSelectionTools(); });
    $("#views").addEventListener("click", (ev) => { const t = ev.target.closest(".tab"); if (t) showView(t.dataset.view); });
    $("#export-btn").addEventListener("click", () => exportCurrent(false));
    $("#gate-confirm").addEventListener("click", () => exportCurrent(true));
    $("#gate-cancel").addEventListener("click", () => { $("#export-gate").hidden = true; showView("review"); });
    if (canDecide) {
      $("#undo-btn").addEventListener("click", () => reverse(false));
      if ($("#exemption-save")) $("#exemption-save").addEventListener("click", () => {
        const chosen = $$("#exemption-box input[name=exemption]:checked").map((c) => c.value);
        if (!chosen.length) { toast("Choose at least one exemption", "error"); return; }
        decide("exempt", { exemptions: chosen });
      });
      $("#redo-btn").addEventListener("click", () => reverse(true));
      $("#accept-btn").addEventListener("click", () => decide("accept"));
      $("#reject-btn").addEventListener("click", () => decide("reject"));
      $("#reject-case-btn").addEventListener("click", () => {
        const s = S.spans.get(S.current);
        decide("reject", { scope: "case" }).then(async () => {
          if (!s) return;
          // the same words' other undecided mentions here were rejected with it
          const now = await api("GET", `/api/documents/${docId}/spans`);
          applyChanges(now.filter((x) => { const was = S.spans.get(x.id); return was && was.status !== x.status; }));
          toast(`“${s.text}” is on the case's allow list, rejected here and in the case's other documents (analysed again)`);
        }).catch((e) => toast(e.message, "error"));
      });
      $("#accept-all-btn").addEventListener("click", () => { const s = S.spans.get(S.current); if (s) decideGroup(s.group, "accept"); });
      const typeSelect = $("#type-select");
      let typeByKey = false;
      const saveType = () => {
        const s = S.spans.get(S.current);
        if (s && typeSelect.value !== s.entity_type) decide("retype", { entity_type: typeSelect.value });
      };
      typeSelect.addEventListener("keydown", (ev) => {
        typeByKey = true;
        if (ev.key === "Enter") { ev.preventDefault(); saveType(); }
        if (ev.key === "Escape") {
          ev.preventDefault();
          ev.stopPropagation();
          const s = S.spans.get(S.current);
          if (s) typeSelect.value = s.entity_type;
          typeSelect.blur();
          const li = $(`#groups li[data-id="${S.current}"]`);
          if (li) li.focus(); else $("#doc").focus();
        }
      });
      typeSelect.addEventListener("mousedown", () => { typeByKey = false; });
      typeSelect.addEventListener("change", () => { if (!typeByKey) saveType(); });
      typeSelect.addEventListener("blur", () => { if (typeByKey) saveType(); typeByKey = false; });
      $("#add-btn").addEventListener("mousedown", (ev) => ev.preventDefault());   // keep the selection
      $("#add-btn").addEventListener("click", addSelection);
      $("#bounds-btn").addEventListener("mousedown", (ev) => ev.preventDefault());
      $("#bounds-btn").addEventListener("click", setBounds);
    }
    document.addEventListener("keydown", (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.target.closest("input, select, textarea")) return;
      if (!shortcutsOn() && ev.key !== "Escape") return;   // WCAG 2.1.4: single-key shortcuts can be turned off
      const views = $$("#views .tab").map((t) => t.dataset.view);
      const keys = {
        j: () => move(1), k: () => move(-1), u: () => select(nextPending(S.current)),
        a: () => decide("accept"), r: () => decide("reject"),
        p: () => { const s = S.spans.get(S.current); if (s && canDecide) decideGroup(s.group, "accept"); },
        t: () => { const sel = $("#type-select"); if (sel && S.current != null) sel.focus(); },
        n: addSelection, b: setBounds, z: () => reverse(false), y: () => reverse(true),
        v: () => showView(views[(views.indexOf(S.view) + 1) % views.length]),
        Escape: () => { S.current = null; renderAll(); saveUrl(); },
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
      S.people = r.people || {};
      S.statements = r.statements;
      try { S.sections = await api("GET", `/api/documents/${docId}/sections`); } catch (e) { S.sections = []; }
      try { S.tables = await api("GET", `/api/documents/${docId}/tables`); } catch (e) { S.tables = []; }
      renderStatements();
      S.spans = new Map(r.spans.map((s) => [s.id, s]));
      for (const o of $$("#filter-part option[value]")) {   // how many findings each part holds
        if (!o.value) continue;
        const n = r.spans.filter((s) => s.part === o.value && visible(s)).length;
        o.textContent = `${o.dataset.name} (${n})`;
      }
      S.needsOcr = r.needs_ocr;
      const params = new URLSearchParams(window.location.search);
      const wanted = Number(params.get("finding"));
      if (wanted && S.spans.has(wanted)) S.current = wanted;
      renderAll();
      if (S.needsOcr.length) {   // a scanned page holds text nobody can see or check: say so, not "all reviewed"
        const status = $("#doc-status");
        status.hidden = false;
        status.textContent = `Needs OCR: page${S.needsOcr.length === 1 ? "" : "s"} ${S.needsOcr.join(", ")} ha${S.needsOcr.length === 1 ? "s" : "ve"} `
          + "no text layer, so nothing on them was found or can be reviewed here. Run OCR on the PDF and upload it again, "
          + "or export with those pages withheld (tick 'Withhold the pages with no text layer' beside the export button: "
          + "each is exported as a black page).";
        $("#withhold-text").textContent = `Withhold page${S.needsOcr.length === 1 ? "" : "s"} ${S.needsOcr.join(", ")} `
          + "(no text layer; each exported as a black page)";
        $("#progress-text").textContent = `${$("#progress-text").textContent} · needs OCR`;
      }
      if (r.warnings.length) {
        const box = $("#analysis-warnings");
        box.hidden = false;
        $("#analysis-warning-list").replaceChildren(...r.warnings.map((w) => el("li", {}, w)));
      }
      root.dataset.loaded = "yes";
      await Promise.all([loadExports(), refreshHistory()]);
      const view = params.get("view");
      if (view && $$("#views .tab").some((t) => t.dataset.view === view)) showView(view);
      if (S.current != null) select(S.current);
    }
    load().catch((e) => toast(e.message, "error"));
  }

  const saved = sessionStorage.getItem("redactor.toast");
  if (saved) {
    sessionStorage.removeItem("redactor.toast");
    try { const t = JSON.parse(saved); toast(t.text, t.kind); } catch (e) { /* a damaged note is dropped */ }
  }

  const pages = { cases: casesPage, users: usersPage, case: casePage, review: reviewPage };
  const page = pages[document.body.dataset.page];
  if (page) page();
})();
