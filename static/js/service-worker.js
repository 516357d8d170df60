// The service worker's code (issue 13), imported by the generated /sw.js, which sets
// self.OFFLINE_CONFIG (attendance_project/offline.py) and loads Workbox first.
//
// For now it precaches the static assets only: no page is cached, since a
// facilitator's pages hold learners' names (docs/decisions.md, Issue 13). Requests
// for anything else go to the network as if there were no worker.
/* global workbox */
(function () {
  "use strict";
  var config = self.OFFLINE_CONFIG;
  // Workbox's modules from our static files (hashed names in production), never
  // from a CDN; the production builds, even on localhost.
  workbox.setConfig({
    debug: false,
    modulePathCb: function (name) { return config.modules[name]; },
  });
  workbox.precaching.cleanupOutdatedCaches();
  workbox.precaching.precacheAndRoute(config.precache);
}());
