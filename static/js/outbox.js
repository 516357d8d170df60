// The submits kept on this phone until the server has them (issue 13): a capture or a
// correction sent while offline, or whose answer never came. Loaded by the pages
// (static/js/offline.js) and by the service worker (background sync), both on
// idb-keyval, so either can deliver; a Web Lock keeps them from doing it at once.
//
// Each submit keeps the form's one-time submission key, so every delivery attempt is
// the same submit to the server: it applies it once and answers a repeat with the
// first outcome (submissions/keys.py). A delivery is sent with X-Offline-Delivery and
// answered with its outcome as JSON (attendance_project.offline.DeliveryMiddleware).
/* exported Outbox */
(function (root) {
  "use strict";
  var kv = root.idbKeyval;
  if (!kv || !root.indexedDB) { return; }
  var store = kv.createStore("attendance-outbox", "submits");
  var PREFIX = "submit:";
  var BROWSER_GRACE = 60 * 1000;  // ms

  // What a submit is waiting for: delivery, or its user (who must log in, or look at
  // a conflict or a refusal).
  var WAITING = "waiting";
  var LOGIN = "login";
  var CONFLICT = "conflict";
  var INVALID = "invalid";
  var REFUSED = "refused";

  function all() {
    return kv.entries(store).then(function (pairs) {
      return pairs.filter(function (pair) { return String(pair[0]).indexOf(PREFIX) === 0; })
        .map(function (pair) { return pair[1]; })
        .sort(function (a, b) { return a.queuedAt - b.queuedAt; });
    });
  }
  function put(entry) { return kv.set(PREFIX + entry.id, entry, store); }
  function remove(id) { return kv.del(PREFIX + id, store); }
  function get(id) { return kv.get(PREFIX + id, store); }
  function lastSent() { return kv.get("lastSent", store); }

  // The error summary of a form shown again (templates/classes/_problems.html): its
  // items' text, for the form to show when its user opens it.
  function problemsOf(html) {
    var start = html.indexOf('id="problems"');
    if (start === -1) { return []; }
    var end = html.indexOf("</ul>", start);
    var items = html.slice(start, end === -1 ? undefined : end).split("<li>").slice(1);
    return items.map(function (item) {
      return item.replace(/<[^>]*>/g, "").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").trim();
    }).filter(Boolean);
  }

  function withToken(body, token) {
    var fields = new URLSearchParams(body);
    fields.set("csrfmiddlewaretoken", token);
    return fields.toString();
  }

  function send(entry, token) {
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      redirect: "follow",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Offline-Delivery": "1",
      },
      body: withToken(entry.body, token),
    });
  }

  function whoIsHere(pingUrl) {
    return fetch(pingUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("ping " + response.status); }
        return response.json();
      });
  }

  // One delivery of one submit; resolves to what became of it ("sent", a state to
  // keep it in, or "offline" when the network failed, to try again later).
  function deliverOne(entry, who, pingUrl) {
    entry.sentByBrowser = false;
    entry.attempts = (entry.attempts || 0) + 1;
    entry.triedAt = Date.now();
    return put(entry).then(function () {
      return send(entry, who.csrf);
    }).then(function (response) {
      if (response.status === 403) {
        // A CSRF token older than a login: once more with a fresh one.
        return whoIsHere(pingUrl).then(function (again) {
          if (again.user !== entry.user) { return null; }
          return send(entry, again.csrf);
        });
      }
      return response;
    }).then(function (response) {
      if (response === null) { return keep(entry, LOGIN); }
      if (response.status === 400) {
        return response.text().then(function (html) {
          entry.problems = problemsOf(html);
          return keep(entry, INVALID);
        });
      }
      if (!response.ok) {
        if (response.status >= 500) { return "offline"; }  // the server's trouble: later
        entry.problems = [];
        return keep(entry, REFUSED);
      }
      return response.json().then(function (answer) {
        entry.location = answer.location;
        if (answer.outcome === "saved") {
          return Promise.all([
            remove(entry.id),
            entry.draftKey ? kv.del(entry.draftKey) : null,  // the draft is confirmed too
            kv.set("lastSent", Date.now(), store),
          ]).then(function () { return "sent"; });
        }
        if (answer.outcome === "login") { return keep(entry, LOGIN); }
        if (answer.outcome === "conflict") { return keep(entry, CONFLICT); }
        return keep(entry, REFUSED);
      });
    }, function () {
      return "offline";
    });
  }

  function keep(entry, state) {
    entry.state = state;
    return put(entry).then(function () { return state; });
  }

  function locked(work) {
    if (root.navigator && root.navigator.locks) {
      return root.navigator.locks.request("attendance-outbox", work);
    }
    return work();
  }

  // Deliver every submit that can go now: its user is the one logged in here, and
  // it is not waiting for them to look at it. Oldest first; stops at the first
  // network failure. Resolves to {sent: [entries], user, login, offline, now, skew}.
  function deliver(options) {
    var pingUrl = options.ping;
    return locked(function () {
      var asked = Date.now();
      return whoIsHere(pingUrl).then(function (who) {
        var result = {
          sent: [], user: who.user, name: who.name, login: !who.user, offline: false,
          // The phone's clock against the server's, at the middle of the request.
          skew: who.now - (asked + Date.now()) / 2,
        };
        return all().then(function (entries) {
          var chain = Promise.resolve();
          entries.forEach(function (entry) {
            chain = chain.then(function () {
              if (result.offline) { return; }
              if (entry.state !== WAITING && entry.state !== LOGIN) { return; }
              // The browser is sending this one itself (an online submit): its answer
              // settles it; the outbox sends it again only if none came.
              if (entry.sentByBrowser && Date.now() - entry.triedAt < BROWSER_GRACE) { return; }
              if (!who.user) { return entry.state === LOGIN ? null : keep(entry, LOGIN); }
              if (entry.user !== who.user) { return; }  // never sent as someone else
              return deliverOne(entry, who, pingUrl).then(function (outcome) {
                if (outcome === "sent") { result.sent.push(entry); }
                if (outcome === "offline") { result.offline = true; }
                if (outcome === LOGIN) { result.login = true; }
              });
            });
          });
          return chain.then(function () { return result; });
        });
      }, function () {
        return { sent: [], offline: true };
      });
    });
  }

  root.Outbox = {
    WAITING: WAITING, LOGIN: LOGIN, CONFLICT: CONFLICT, INVALID: INVALID, REFUSED: REFUSED,
    all: all, get: get, put: put, remove: remove, lastSent: lastSent, deliver: deliver,
  };
}(typeof self !== "undefined" ? self : this));
