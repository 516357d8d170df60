// Capture that survives the training site's connection (issue 13), on every page of a
// logged-in user; the app works without it, as it did before.
//
// - Keeps the pages a facilitator needs offline (the list classes:offline_pages gives)
//   in the cache the service worker shows them from, refreshed whenever online.
// - Puts every capture or correction submit in the outbox (static/js/outbox.js) before
//   the browser sends it; offline it stays there, and is delivered when the connection
//   returns (on load, on "online", with "Send now", by background sync).
// - Says what waits on this phone: on every page, and beside each session concerned;
//   shows a conflict beside what was recorded, never over it.
// - Warns when the phone's clock is more than 5 minutes off, and when the browser may
//   clear what the phone keeps.
(function () {
  "use strict";
  var script = document.currentScript;
  var status = document.getElementById("offline-status");
  var Outbox = window.Outbox;
  var kv = window.idbKeyval;
  if (!script || !status || !Outbox || !kv || !window.caches) { return; }
  var user = Number(document.body.dataset.user);
  // A copy this phone kept (templates/base.html marks the copies it is given).
  var keptAt = document.body.dataset.kept;
  var PAGES = "offline-pages";
  var KEEP_EVERY = 5 * 60 * 1000;  // ms between two refreshes of the kept pages
  var CLOCK_TOLERANCE = 5 * 60 * 1000;
  var RETRY_EVERY = 15 * 1000;
  var notes = { clock: "" };
  var storage = { refused: false, low: false };  // what the browser said (checkStorage)

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(time) { var at = new Date(time); return two(at.getHours()) + ":" + two(at.getMinutes()); }
  function submissionId(form) {
    var field = form.querySelector("input[name=submission_key]");
    return field ? field.value.split(".")[0] : "";
  }
  function howLong(ms) {
    var minutes = Math.round(ms / 60000);
    if (minutes < 120) { return minutes + " minutes"; }
    var hours = Math.round(minutes / 60);
    return hours < 48 ? hours + " hours" : Math.round(hours / 24) + " days";
  }
  function words(text) { return (text || "").split(" ").filter(Boolean); }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }
  function button(label, action) {
    var node = element("button", "button", label);
    node.type = "button";
    node.addEventListener("click", action);
    return node;
  }

  // Who uses this phone: the worker shows kept pages to the last user of a page from
  // the network only, and another user's copies go at once.
  var remembered = keptAt ? Promise.resolve() : kv.get("offline:user").then(function (last) {
    if (last === user) { return null; }
    return caches.delete(PAGES).then(function () {
      return Promise.all([kv.set("offline:user", user), kv.del("offline:keptAt")]);
    });
  }).catch(function () {});

  // The submit of a capture or correction form goes through the outbox --------------
  // The capture and correction forms (templates/classes/capture.html, correct.html).
  var form = document.querySelector("form[data-draft-key][data-session-url]");

  function entryFor(submitter) {
    var learners = {};
    Array.prototype.forEach.call(form.querySelectorAll(".learner-row[id^=learner-]"), function (row) {
      var name = row.querySelector(".learner-name strong");
      learners[row.id.slice("learner-".length)] = name ? name.textContent : "";
    });
    return {
      id: submissionId(form),
      user: user,
      url: window.location.pathname,
      body: new URLSearchParams(new FormData(form, submitter)).toString(),
      draftKey: form.dataset.draftKey,
      sessionUrl: form.dataset.sessionUrl,
      label: form.dataset.sessionLabel || document.title,
      kind: form.dataset.draftKey.split(":").pop(),
      learners: learners,
      queuedAt: Date.now(),
      state: Outbox.WAITING,
      attempts: 0,
    };
  }

  function queue(entry) {
    return Outbox.all().then(function (entries) {
      var earlier = entries.filter(function (other) { return other.id === entry.id; })[0];
      if (earlier && earlier.attempts && earlier.body !== entry.body) {
        // This copy of the form may have reached the office already: the same key
        // with other values would be answered with the first outcome.
        throw new Error("sent");
      }
      // A newer submit of the same form replaces an older one never tried, or one the
      // server answered without saving it (problems, a conflict, a refusal): its user
      // has now sent what they chose. One tried and unanswered may have been saved:
      // it stays, and the server tells which came first.
      return Promise.all(entries.filter(function (other) {
        if (other.url !== entry.url || other.user !== entry.user || other.id === entry.id) {
          return false;
        }
        var waiting = other.state === Outbox.WAITING || other.state === Outbox.LOGIN;
        return !waiting || !other.attempts;
      }).map(function (other) { return Outbox.remove(other.id); }));
    }).then(function () { return Outbox.put(entry); });
  }

  if (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.offlineSending === "true") { return; }  // our own requestSubmit
      event.preventDefault();
      var submitter = event.submitter;
      var entry = entryFor(submitter);
      var offline = navigator.onLine === false;
      if (!offline) {
        entry.attempts = 1;
        entry.triedAt = Date.now();
        entry.sentByBrowser = true;  // the outbox leaves it to the browser for a while
      }
      queue(entry).then(function () {
        if (offline) {
          registerSync();
          render();
          return;
        }
        // Online: the browser sends it as always; if the network fails, the worker
        // brings it back here and the outbox still has it.
        form.dataset.offlineSending = "true";
        form.requestSubmit(submitter);
      }, function (error) {
        if (error && error.message === "sent") {
          showFormNote("This form was already sent from this phone, and the office may " +
            "have it. Open the session to see what was recorded, or reload this page.", []);
          return;
        }
        form.dataset.offlineSending = "true";  // no storage: send it as always
        form.requestSubmit(submitter);
      });
    });
  }

  function registerSync() {
    if (!navigator.serviceWorker) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("outbox"); }
    }).catch(function () {});
  }

  function showFormNote(message, items) {
    var old = document.getElementById("outbox_note");
    if (old) { old.remove(); }
    if (!form) { return; }
    var note = element("div", "outbox-note");
    note.id = "outbox_note";
    note.setAttribute("role", "status");
    note.appendChild(element("p", "", message));
    if (items.length) {
      var list = element("ul");
      items.forEach(function (item) { list.appendChild(element("li", "", item)); });
      note.appendChild(list);
    }
    form.insertBefore(note, form.firstChild);
  }

  // What waits on this phone ----------------------------------------------------------
  function render() {
    return Promise.all([Outbox.all(), Outbox.lastSent()]).then(function (found) {
      var entries = found[0];
      var last = found[1];
      var mine = entries.filter(function (entry) { return entry.user === user; });
      var others = entries.length - mine.length;
      var waiting = mine.filter(function (entry) {
        return entry.state === Outbox.WAITING || entry.state === Outbox.LOGIN;
      });
      var attention = mine.filter(function (entry) { return waiting.indexOf(entry) === -1; });
      status.textContent = "";
      var line = element("p", "offline-line");
      var parts = [];
      if (keptAt) { parts.push("Offline copy kept on this phone at " + clock(keptAt)); }
      if (waiting.length || last) {
        parts.push(waiting.length + " waiting to send" + (last ? " · last sent " + clock(last) : ""));
      }
      line.appendChild(element("span", "", parts.join(" · ")));
      line.id = "offline_line";
      if (waiting.length && navigator.onLine !== false) {
        line.appendChild(document.createTextNode(" "));
        line.appendChild(button("Send now", function () { deliverNow(); }));
      }
      if (waiting.length) {
        line.appendChild(document.createTextNode(" "));
        line.appendChild(button("Export unsent", exportUnsent));
      }
      var items = [];
      if (waiting.some(function (entry) { return entry.state === Outbox.LOGIN; })) {
        items.push(["Your login has expired: log in again to send what waits on this phone.", null]);
      }
      if (others) {
        items.push([others + " saved on this phone by another user " +
          (others === 1 ? "waits" : "wait") + " for them to log in.", null]);
      }
      attention.forEach(function (entry) { items.push([attentionText(entry), entry]); });
      if (notes.clock) { items.push([notes.clock, null]); }
      if (storage.low) {
        items.push(["This phone's storage for the app is almost full: send what waits, or " +
          "export it.", null]);
      } else if (storage.refused && mine.length) {
        items.push(["This browser may clear what is saved on this phone when space runs " +
          "low: send it soon, or export it.", null]);
      }
      var list = element("ul", "offline-notes");
      items.forEach(function (item) {
        var li = element("li", "", item[0]);
        if (item[1]) {
          var link = element("a", "", "Open " + item[1].label);
          link.href = item[1].state === Outbox.CONFLICT ? item[1].sessionUrl : item[1].url;
          li.appendChild(document.createTextNode(" "));
          li.appendChild(link);
        }
        list.appendChild(li);
      });
      if (parts.length || waiting.length) { status.appendChild(line); }
      if (items.length) { status.appendChild(list); }
      status.hidden = !(parts.length || waiting.length || items.length);
      markSessions(mine);
      return mine;
    }).catch(function () {});
  }

  function attentionText(entry) {
    if (entry.state === Outbox.CONFLICT) {
      return entry.label + ": recorded meanwhile from elsewhere; what this phone kept was " +
        "not sent and is shown beside it.";
    }
    if (entry.state === Outbox.INVALID) {
      return entry.label + ": the office could not accept what this phone sent; it is kept " +
        "on this phone to fix.";
    }
    return entry.label + ": can no longer be recorded as it was; kept on this phone.";
  }

  var SAVED_HERE = "saved on this phone, not sent yet";
  function markSessions(mine) {
    Array.prototype.forEach.call(document.querySelectorAll(".outbox-mark"), function (mark) { mark.remove(); });
    mine.forEach(function (entry) {
      if (entry.state !== Outbox.WAITING && entry.state !== Outbox.LOGIN) { return; }
      Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (link) {
        if (link.getAttribute("href") !== entry.url && link.getAttribute("href") !== entry.sessionUrl) { return; }
        if (link.closest("#offline-status")) { return; }
        link.appendChild(element("span", "badge warning outbox-mark", SAVED_HERE));
      });
    });
    if (!form) { return; }
    var here = mine.filter(function (entry) { return entry.url === window.location.pathname; })[0];
    if (!here) { return; }
    if (here.state === Outbox.INVALID) {
      showFormNote("What this phone sent at " + clock(here.triedAt) + " was not saved:",
        here.problems || []);
    } else if (here.state === Outbox.WAITING || here.state === Outbox.LOGIN) {
      showFormNote("Saved on this phone, not sent yet (" + clock(here.queuedAt) + "). It is " +
        "sent when the connection is back; you can keep working.", []);
    }
  }

  // A conflict, beside what was recorded (the session's page) ------------------------
  function showConflict(mine) {
    var entry = mine.filter(function (e) {
      return e.state === Outbox.CONFLICT && e.sessionUrl === window.location.pathname;
    })[0];
    var main = document.getElementById("content");
    if (!entry || !main || document.getElementById("conflict")) { return; }
    var fields = new URLSearchParams(entry.body);
    var panel = element("section", "card conflict");
    panel.id = "conflict";
    panel.setAttribute("aria-labelledby", "conflict_title");
    var title = element("h2", "", "Kept on this phone, not sent");
    title.id = "conflict_title";
    panel.appendChild(title);
    panel.appendChild(element("p", "", "This session was recorded from elsewhere before what " +
      "you typed on this phone at " + clock(entry.queuedAt) + " arrived, so that was not " +
      "saved. Here it is beside what is recorded. To change the record, correct the session " +
      "(within its correction window); nothing is overwritten."));
    var table = element("table", "attendance-table conflict-table");
    var head = element("tr");
    ["Learner", "Recorded: present", "Recorded: page", "This phone: present", "This phone: page"]
      .forEach(function (text) {
        var th = element("th", "", text);
        th.scope = "col";
        head.appendChild(th);
      });
    var thead = element("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var tbody = element("tbody");
    Object.keys(entry.learners || {}).forEach(function (id) {
      var recorded = document.querySelector("tr[data-learner='" + id + "']");
      var cells = recorded ? recorded.querySelectorAll("td") : [];
      var row = element("tr");
      var name = element("th", "", entry.learners[id]);
      name.scope = "row";
      row.appendChild(name);
      [
        ["Recorded: present", cells[0] ? cells[0].textContent : "–"],
        ["Recorded: page", cells[2] ? cells[2].textContent : "–"],
        ["This phone: present", fields.get("hours_" + id) || "–"],
        ["This phone: page", fields.get("page_" + id) || "–"],
      ].forEach(function (cell) {
        var td = element("td", "", cell[1]);
        td.dataset.label = cell[0];
        row.appendChild(td);
      });
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    panel.appendChild(table);
    var actions = element("div", "form-actions");
    var correct = document.querySelector("a[href$='/correct/']");
    if (correct) {
      actions.appendChild(button("Correct the session with these values", function () {
        var values = {};
        fields.forEach(function (value, name) {
          if (/^(hours|page|absence|remark)_/.test(name)) { values[name] = value; }
        });
        var key = entry.draftKey.replace(/:capture$/, ":correction");
        kv.set(key, { values: values, savedAt: entry.queuedAt, submissions: [] }).then(function () {
          return Outbox.remove(entry.id);
        }).then(function () { window.location.href = correct.getAttribute("href"); });
      }));
    }
    actions.appendChild(button("Discard what this phone kept", function () {
      Promise.all([Outbox.remove(entry.id), kv.del(entry.draftKey)]).then(function () {
        panel.remove();
        render();
      });
    }));
    panel.appendChild(actions);
    var heading = main.querySelector("h1");
    main.insertBefore(panel, heading ? heading.nextSibling : main.firstChild);
  }

  // Delivery ---------------------------------------------------------------------------
  // What was just delivered, by this page or by the service worker's background sync
  // (which tells every open page): the page whose form was sent shows what the office
  // has now (the message says so); the others show what still waits.
  function afterSent(sent) {
    var here = sent.filter(function (entry) {
      return entry.url === window.location.pathname;
    })[0];
    if (here && here.location) {
      window.location.href = here.location;
      return Promise.resolve();
    }
    return render().then(function (mine) {
      showConflict(mine || []);
      if (sent.length) { keepPages(true); }
    });
  }
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var sent = event.data && event.data.outboxSent;
      if (sent && sent.length) { afterSent(sent); }
    });
  }

  var delivering = null;
  function deliverNow() {
    if (delivering) { return delivering; }
    delivering = Outbox.deliver({ ping: script.dataset.ping }).then(function (result) {
      if (typeof result.skew === "number") {
        notes.clock = Math.abs(result.skew) > CLOCK_TOLERANCE
          ? "This phone's clock is " + howLong(Math.abs(result.skew)) + " " +
            (result.skew > 0 ? "slow" : "fast") + ": the dates and times that count are " +
            "the server's. Set the phone's clock."
          : "";
      }
      return afterSent(result.sent).then(function () { return result; });
    }).catch(function () {}).then(function (result) {
      delivering = null;
      document.documentElement.dataset.outboxChecked = String(Date.now());  // for the tests
      return result;
    });
    return delivering;
  }

  // The one-time key in a page's form, or the ids the session's page lists as
  // confirmed (classes/drafts.py): those submits reached the server.
  function settle() {
    var about = document.getElementById("drafts");
    var confirmed = about ? words(about.dataset.confirmedSubmissions) : [];
    var answered = form && !keptAt ? submissionId(form) : "";
    return Outbox.all().then(function (entries) {
      return Promise.all(entries.filter(function (entry) {
        if (confirmed.indexOf(entry.id) !== -1) { return true; }
        // The form came back from the server with this very key: it was refused with
        // its problems shown, and the draft keeps what was typed.
        return entry.id === answered && entry.state === Outbox.WAITING;
      }).map(function (entry) { return Outbox.remove(entry.id); }));
    });
  }

  // The pages kept for offline use -----------------------------------------------------
  function keepPages(force) {
    if (keptAt || navigator.onLine === false) { return Promise.resolve(); }
    return remembered.then(function () {
      return kv.get("offline:keptAt");
    }).then(function (last) {
      if (!force && last && Date.now() - last < KEEP_EVERY) { return null; }
      // Never following a redirect: logged out meanwhile, each would end on the login
      // page, and each login page sets a new CSRF cookie under the user's feet.
      return fetch(script.dataset.pages, {
        credentials: "same-origin", cache: "no-store", redirect: "manual",
      })
        .then(function (response) { return response.json(); })
        .then(function (list) {
          if (list.user !== user) { return null; }
          return caches.open(PAGES).then(function (cache) {
            var wanted = list.urls.map(function (url) { return new URL(url, window.location.href).href; });
            // A few at a time: quick on a good connection, light on the server.
            var queue = wanted.slice();
            function next() {
              var url = queue.shift();
              if (!url) { return Promise.resolve(); }
              return fetch(url, {
                credentials: "same-origin", cache: "no-store", redirect: "manual",
                headers: { "X-Offline-Prefetch": "1" },
              }).then(function (response) {
                if (response.ok && response.headers.get("X-Offline-Page") === String(user)) {
                  return cache.put(url, response);
                }
                return cache.delete(url);  // recorded meanwhile, or logged out
              }).then(next);
            }
            var chain = Promise.all([next(), next(), next()]);
            return chain.then(function () { return cache.keys(); }).then(function (requests) {
              return Promise.all(requests.filter(function (request) {
                return wanted.indexOf(request.url) === -1;
              }).map(function (request) { return cache.delete(request); }));
            });
          }).then(function () {
            return kv.set("offline:keptAt", Date.now());
          });
        });
    }).catch(function () {}).then(function () {
      document.documentElement.dataset.offlineReady = "true";  // for the tests
    });
  }

  // Storage: ask the browser to keep it; say when it may not --------------------------
  function checkStorage() {
    if (!navigator.storage || !navigator.storage.persist) { return; }
    navigator.storage.persist().then(function (granted) {
      return navigator.storage.estimate().then(function (estimate) {
        var free = (estimate.quota || 0) - (estimate.usage || 0);
        storage = { refused: !granted, low: Boolean(estimate.quota) && free < 10 * 1024 * 1024 };
      });
    }).then(render).catch(function () {});
  }

  // The last resort: a file of the unsent submits, which the office can import --------
  function exportUnsent() {
    Outbox.all().then(function (entries) {
      var mine = entries.filter(function (entry) { return entry.user === user; });
      var file = new Blob([JSON.stringify({
        format: "attendance-unsent-captures", version: 1, exportedAt: new Date().toISOString(),
        submits: mine.map(function (entry) {
          return { id: entry.id, url: entry.url, body: entry.body, user: entry.user,
                   label: entry.label, queuedAt: entry.queuedAt, state: entry.state };
        }),
      }, null, 2)], { type: "application/json" });
      var link = element("a");
      link.href = URL.createObjectURL(file);
      var now = new Date();
      link.download = "unsent-captures-" + now.getFullYear() + two(now.getMonth() + 1) +
        two(now.getDate()) + "-" + two(now.getHours()) + two(now.getMinutes()) + ".json";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  // On every page: settle what the server confirmed, show what waits, send it when
  // online, keep the pages; again whenever the connection returns.
  function whenOnline() {
    deliverNow().then(function (result) {
      if (result && !result.offline) { return keepPages(false); }
      document.documentElement.dataset.offlineReady = "true";
    });
  }
  settle().catch(function () {}).then(render).then(function (mine) {
    showConflict(mine || []);
    checkStorage();
    if (navigator.onLine === false) {
      document.documentElement.dataset.offlineReady = "true";
      return;
    }
    whenOnline();
  });
  window.addEventListener("online", function () { render(); whenOnline(); });
  window.addEventListener("offline", render);
  window.setInterval(function () {
    if (navigator.onLine === false) { return; }
    Outbox.all().then(function (entries) {
      if (entries.some(function (e) { return e.user === user && e.state === Outbox.WAITING; })) {
        deliverNow();
      }
    });
  }, RETRY_EVERY);
}());
