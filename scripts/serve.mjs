// Serves the release bundle in dist/ on 127.0.0.1 only, the way a static host
// would: correct MIME types (application/wasm matters), index.html for unknown
// navigations (client-side routes), and no caching headers that would hide a new
// build from the service worker's update check.
//
// With COUCHDB_URL set (http://127.0.0.1:5984), everything under /couchdb/ is
// passed to that CouchDB, so sync reaches it on the app's own origin and the
// Content-Security-Policy can stay `connect-src 'self'`. This is the shape of
// the recommended deployment (see the README), not a production proxy.
// Usage: node scripts/serve.mjs [dir] [port]
import { createServer, request as httpRequest } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";

const root = resolve(process.argv[2] || "dist");
const port = Number(process.argv[3] || process.env.PORT || 8080);
const host = "127.0.0.1";
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

async function file(path) {
  try {
    const s = await stat(path);
    return s.isFile() ? path : null;
  } catch {
    return null;
  }
}

const couch = process.env.COUCHDB_URL ? new URL(process.env.COUCHDB_URL) : null;
const PROXY_PREFIX = "/couchdb/";

// Passes one request under /couchdb/ to CouchDB, bodies streamed both ways.
function proxy(req, res) {
  const rest = req.url.slice(PROXY_PREFIX.length);
  const target = new URL(couch.pathname.replace(/\/?$/, "/") + rest, couch);
  const headers = { ...req.headers, host: target.host };
  const upstream = httpRequest(
    target,
    // A fresh connection each time: a kept-alive one that CouchDB has just
    // closed would fail the request it is reused for.
    { method: req.method, headers, agent: false },
    (answer) => {
      res.writeHead(answer.statusCode || 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", (e) => {
    if (res.writableEnded) return;
    console.error(`couchdb proxy: ${req.method} ${req.url}: ${e.message}`);
    if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "bad_gateway", reason: "CouchDB did not answer" }));
  });
  // The app gave up on the request (a long-poll cut short): so does CouchDB.
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

createServer(async (req, res) => {
  if (couch && req.url.startsWith(PROXY_PREFIX)) {
    proxy(req, res);
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405).end();
    return;
  }
  const pathname = decodeURIComponent(new URL(req.url, `http://${host}`).pathname);
  const safe = normalize(join(root, pathname));
  let path = safe.startsWith(root) ? await file(safe) : null;
  if (!path && !extname(pathname)) path = await file(join(root, "index.html"));
  if (!path) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  const body = await readFile(path);
  res.writeHead(200, {
    "content-type": types[extname(path)] || "application/octet-stream",
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}).listen(port, host, () => {
  console.log(`Psynotes is being served at http://${host}:${port}/  (Ctrl+C to stop)`);
  if (couch) console.log(`Sync: ${PROXY_PREFIX} is passed to ${couch.origin}${couch.pathname}`);
});
