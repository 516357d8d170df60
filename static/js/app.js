// On every page (issue 13): installs the app's service worker (attendance_project/offline.py),
// which precaches the static assets. The page works without it, and without this file.
(function () {
  "use strict";
  var script = document.currentScript;
  // Nobody is logged in on this page (the login page, after logging out): the pages a
  // user's phone kept for offline use go (static/js/offline.js keeps them).
  if (!document.body.dataset.user && window.caches) {
    window.caches.delete("offline-pages").catch(function () {});
  }
  // The bell (issue 15): the number of the user's unread alerts, asked for after the
  // page is shown, so that no page waits for it and a page kept offline shows none.
  var bell = document.querySelector("[data-unread]");
  if (bell && window.fetch && navigator.onLine !== false) {
    fetch(bell.dataset.unread, { credentials: "same-origin", cache: "no-store", redirect: "manual" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || !answer.unread) { return; }
        bell.querySelector(".bell-number").textContent = String(answer.unread);
        bell.querySelector(".bell-count").hidden = false;
      })
      .catch(function () {});
  }
  if (!("serviceWorker" in navigator) || !window.workbox || !script) { return; }
  // workbox-window registers once the page has loaded, so the worker's precaching
  // does not compete with the page's own requests.
  new window.workbox.Workbox(script.dataset.serviceWorker, { scope: script.dataset.scope })
    .register()
    .catch(function () { /* no worker: the app works online as before */ });
}());
