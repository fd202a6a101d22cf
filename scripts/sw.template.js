// Psynotes service worker, generated at build time by scripts/postbuild.mjs.
//
// It precaches exactly the files of one build, serves them cache-first, answers
// navigations with index.html, and deletes other builds' caches on activate. It
// never caches anything else: notes live only in IndexedDB, encrypted, and no
// request to another origin is ever handled or stored here.
"use strict";

const CACHE = "__CACHE_NAME__";
const PRECACHE = __PRECACHE__;
const PRECACHED = new Set(PRECACHE);

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
  // No skipWaiting here: a new version waits until the user agrees to update,
  // so an open editor is never reloaded from under the therapist.
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith("psynotes-") && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.mode === "navigate") {
    // A page of its own (verify.html, the export checker) is served as itself;
    // every other navigation is the app.
    const page = url.pathname.endsWith(".html") && PRECACHED.has(url.pathname) ? url.pathname : "/index.html";
    event.respondWith(
      caches
        .open(CACHE)
        .then((cache) => cache.match(page))
        .then((hit) => hit || fetch(request)),
    );
    return;
  }
  if (!PRECACHED.has(url.pathname)) return;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(url.pathname))
      .then((hit) => hit || fetch(request)),
  );
});
