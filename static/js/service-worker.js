// The service worker's code (issue 13), imported by the generated /sw.js, which sets
// self.OFFLINE_CONFIG (attendance_project/offline.py) and loads Workbox, idb-keyval
// and static/js/outbox.js first.
//
// - The static assets are precached.
// - Pages always come from the network first; when it fails (or is slower than
//   PAGE_TIMEOUT), the copy this phone kept is shown, if it was made for the user who
//   last used a page here. Copies are kept by static/js/offline.js (from the list
//   the server gives), never from here: a page the user opened may carry a message
//   meant for once, and a page kept offline must not.
// - A capture or correction sent while the network fails is already in the outbox
//   (offline.js put it there before sending): the browser is sent back to the form,
//   which says so, instead of its own error page.
// - Background sync delivers the outbox when the connection returns.
/* global workbox, idbKeyval, Outbox */
(function () {
  "use strict";
  var config = self.OFFLINE_CONFIG;
  var PAGES = "offline-pages";
  var PAGE_TIMEOUT = 6;  // seconds: a weak connection should not keep the user waiting
  // Workbox's modules from our static files (hashed names in production), never
  // from a CDN; the production builds, even on localhost.
  workbox.setConfig({
    debug: false,
    modulePathCb: function (name) { return config.modules[name]; },
  });
  // A new version of the worker takes over at once: the outbox and the kept pages
  // are the same for it.
  self.skipWaiting();
  workbox.core.clientsClaim();
  workbox.precaching.cleanupOutdatedCaches();
  workbox.precaching.precacheAndRoute(config.precache);

  var ownPage = function (options) {
    return options.request.mode === "navigate" && options.url.origin === self.location.origin;
  };
  var keptForThisUser = {
    // Never written here (see above).
    cacheWillUpdate: function () { return null; },
    cachedResponseWillBeUsed: function (options) {
      var kept = options.cachedResponse;
      if (!kept) { return null; }
      return idbKeyval.get("offline:user").then(function (user) {
        return String(user) === kept.headers.get("X-Offline-Page") ? kept : null;
      });
    },
  };
  workbox.routing.registerRoute(ownPage, new workbox.strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: PAGE_TIMEOUT,
    plugins: [keptForThisUser],
  }));

  var queueable = new RegExp(config.queueable);
  workbox.routing.registerRoute(function (options) {
    return ownPage(options) && queueable.test(options.url.pathname);
  }, function (options) {
    return fetch(options.request.clone()).catch(function () {
      return Response.redirect(options.request.url, 303);
    });
  }, "POST");

  // No network and no kept copy: say so in the app's own look, not the browser's.
  workbox.routing.setCatchHandler(function (options) {
    if (options.request.destination !== "document") { return Response.error(); }
    var body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
      "<title>Offline · Attendance and hours</title>" +
      "<link rel=\"stylesheet\" href=\"" + config.stylesheet + "\"></head><body>" +
      "<header class=\"topbar\"><a class=\"brand\" href=\"" + config.home + "\">Attendance</a></header>" +
      "<main class=\"page\" id=\"content\"><h1>This page is not on this phone</h1>" +
      "<p>You are offline, and this page was not kept for offline use. " +
      "<a href=\"" + config.home + "\">Your classes</a> and the sessions waiting to be " +
      "captured are kept while you are online.</p></main></body></html>";
    return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });

  self.addEventListener("sync", function (event) {
    if (event.tag !== "outbox" || !self.Outbox) { return; }
    event.waitUntil(Outbox.deliver({ ping: config.ping }).then(function (result) {
      // The open pages learn what was sent (static/js/offline.js, afterSent): the one
      // whose form it was shows the recorded session, as when it sends itself.
      var sent = result.sent.map(function (entry) {
        return { url: entry.url, location: entry.location };
      });
      var told = !sent.length ? Promise.resolve() : self.clients.matchAll({ type: "window" })
        .then(function (pages) {
          pages.forEach(function (page) { page.postMessage({ outboxSent: sent }); });
        });
      return told.then(function () {
        // Rejected, the browser tries again later.
        if (result.offline) { throw new Error("still offline"); }
      });
    }));
  });
}());
