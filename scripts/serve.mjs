// Serves the release bundle in dist/ on 127.0.0.1 only, the way a static host
// would: correct MIME types (application/wasm matters), index.html for unknown
// navigations (client-side routes), and no caching headers that would hide a new
// build from the service worker's update check.
// Usage: node scripts/serve.mjs [dir] [port]
import { createServer } from "node:http";
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

createServer(async (req, res) => {
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
});
