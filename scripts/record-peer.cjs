// Preloaded into the Next.js server that `npm start` spawns. Appends each connection's peer
// address to X-Forwarded-For before Next.js sees the request, as a proxy hop does, so the last
// entry is always who is really connected. Next.js itself only sets the header when the client
// sent none, which left a client-written address as the last entry (the sign-in throttle keys on
// it: lib/http/trusted-proxy.ts clientAddress). Plain JavaScript: it runs before any TypeScript
// loader; appendForwardedFor in lib/http/trusted-proxy.ts is the same rule for the test harness.
const http = require("node:http");

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req) {
  if (event === "request" && req && req.headers) {
    const existing = req.headers["x-forwarded-for"];
    const before = (Array.isArray(existing) ? existing.join(", ") : existing || "").trim();
    const peer = (req.socket && req.socket.remoteAddress) || "unknown";
    req.headers["x-forwarded-for"] = before ? `${before}, ${peer}` : peer;
  }
  return emit.apply(this, arguments);
};
