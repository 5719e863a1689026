// The app server `npm start` runs: Next.js's documented custom server, with the gateway's own
// routes (/api/v1/*) answered by their route handlers straight from Node's http server.
//
// Why: measured with `npm run bench`, Next's request pipeline (router, proxy.ts, its response
// wrapping and compression) cost more per request than the whole gateway's own work did, and
// capped one box well below Portkey's throughput. The handlers are the same modules `next dev`
// serves from app/api/v1 (and the tests call), so URLs, behaviour and tests do not change; only
// the layer in front of them does. proxy.ts is not needed here: these paths are exact (no
// percent-decoding, no next-auth) and a Bearer key or cookie is checked by the handler itself.
// Every other path goes to Next.js as before.
import { createServer } from "node:http";
import next from "next";
import { sendWebResponse, toWebRequest } from "../lib/http/node-bridge.ts";
import { securityHeaders } from "../lib/http/security-headers.ts";
import { existingSettlements } from "../lib/ledger/settlements.ts";
import * as completions from "../app/api/v1/chat/completions/route.ts";
import * as models from "../app/api/v1/models/route.ts";
import * as route from "../app/api/v1/route/route.ts";
import * as messages from "../app/api/v1/messages/route.ts";
import * as responses from "../app/api/v1/responses/route.ts";
import * as embeddings from "../app/api/v1/embeddings/route.ts";
import { log } from "../lib/log/logger.ts";
import { scrubSecrets } from "../lib/security/scrub.ts";
import { checkEnv, env } from "../lib/config/env.ts";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Module = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Handler>>;

const FAST: Record<string, Module> = {
  "/api/v1/chat/completions": completions as Module,
  "/api/v1/models": models as Module,
  "/api/v1/route": route as Module,
  // The other API dialects are the same pipeline: Claude Code, the Agents SDK and retrieval code
  // deserve the same per-request cost as chat completions.
  "/api/v1/messages": messages as Module,
  "/api/v1/responses": responses as Module,
  "/api/v1/embeddings": embeddings as Module,
};
const noParams = { params: Promise.resolve({}) };
const headers = securityHeaders(false);

checkEnv();
const port = env("PORT");
process.title = "switchyard-server";

const app = next({ dev: false, dir: process.cwd(), port, hostname: "localhost" });
const nextHandler = app.getRequestHandler();
await app.prepare();

const server = createServer((req, res) => {
  const q = req.url?.indexOf("?") ?? -1;
  const path = q < 0 ? req.url : req.url!.slice(0, q);
  const fn = path ? FAST[path]?.[req.method as keyof Module] : undefined;
  if (!fn) {
    void nextHandler(req, res);
    return;
  }
  // record-peer.cjs (preloaded) has already appended the connection's peer to X-Forwarded-For.
  fn(toWebRequest(req, res), noParams)
    .then((response) => sendWebResponse(res, response, { extraHeaders: headers, bufferUnlessStream: true }))
    .catch((err: unknown) => {
      // The handler turns every error into a response; this is only a broken connection or a bug here.
      // A client that went away mid-reply is not an error of ours.
      if (
        (err as { code?: unknown })?.code === "ECONNRESET" ||
        (err as { code?: unknown })?.code === "ERR_STREAM_PREMATURE_CLOSE" ||
        req.destroyed
      )
        log().info({ path: req.url }, "client closed the connection");
      else
        log().error(
          { err: scrubSecrets(err instanceof Error ? (err.stack ?? err.message) : String(err)) },
          "fast path failed",
        );
      if (!res.headersSent)
        res.writeHead(500, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: { message: "Internal error", type: "api_error", code: "internal_error", param: null },
          }),
        );
      else res.end();
    });
});
server.keepAliveTimeout = 65_000; // longer than common proxies' idle timeouts, as Next's own server does
server.listen(port, () => console.log(`[switchyard] listening on port ${port}`));

// Replies in flight finish; their settles (written after the last byte) are awaited before exit.
const stop = () => {
  server.close(() => {
    const settling = existingSettlements()?.allIdle() ?? Promise.resolve();
    void settling.finally(() => process.exit(0));
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
