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
  if (!("serviceWorker" in navigator) || !window.workbox || !script) { return; }
  // workbox-window registers once the page has loaded, so the worker's precaching
  // does not compete with the page's own requests.
  new window.workbox.Workbox(script.dataset.serviceWorker, { scope: script.dataset.scope })
    .register()
    .catch(function () { /* no worker: the app works online as before */ });
}());
