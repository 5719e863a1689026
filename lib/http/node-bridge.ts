import type { IncomingMessage, ServerResponse } from "node:http";
import { appendForwardedFor } from "./trusted-proxy.ts";

/**
 * Node's http objects to the Fetch API's and back, for serving route handlers (which take a
 * Request and return a Response) from a plain Node server: the gateway's fast path
 * (scripts/serve.ts) and the test harness (tests/harness/app-server.ts). No Next.js here.
 */

/**
 * The request body as a stream. What a handler leaves unread (a 413 answered from Content-Length,
 * or a cancelled read) is drained once the response is out, as Node's own server does with an
 * unread body — neither left paused, which stalls the connection, nor the socket destroyed, which
 * resets whichever request the client sends next on that kept-alive connection.
 */
function requestBody(req: IncomingMessage, res: ServerResponse): ReadableStream<Uint8Array> {
  let cancelled = false;
  res.on("finish", () => {
    if (req.complete) return;
    cancelled = true;
    req.resume();
  });
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on("data", (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on("end", () => !cancelled && controller.close());
      req.on("error", (err) => !cancelled && controller.error(err));
    },
    pull() {
      req.resume();
    },
    cancel() {
      cancelled = true;
      req.resume();
    },
  });
}

/**
 * A Fetch Request for a Node request. Its signal aborts when the client goes away before the
 * response is finished. With `appendPeer`, the connection's peer is appended to X-Forwarded-For
 * as a proxy hop does (what scripts/record-peer.cjs does for the real server), so a
 * client-written value is never the last entry.
 */
export function toWebRequest(req: IncomingMessage, res: ServerResponse, opts: { appendPeer?: boolean } = {}): Request {
  const abort = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) abort.abort();
  });
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    if (opts.appendPeer && raw[i]!.toLowerCase() === "x-forwarded-for") continue;
    headers.append(raw[i]!, raw[i + 1]!);
  }
  if (opts.appendPeer)
    headers.set("x-forwarded-for", appendForwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress));
  return new Request(new URL(req.url ?? "/", "http://localhost"), {
    method: req.method,
    headers,
    body: hasBody ? requestBody(req, res) : undefined,
    signal: abort.signal,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * Writes a Fetch Response to a Node response: each body chunk is written as soon as it is read
 * (no buffering that would hold a streamed token), waiting for `drain` when the client reads
 * slowly; a client that goes away cancels the body, which the gateway turns into "stop the
 * upstream and account for what was produced". `extraHeaders` are added unless the response sets
 * them; with `bufferUnlessStream`, a body that is not an event stream is sent in one write;
 * `beforeEnd` runs after the last body byte and before the response ends.
 */
export async function sendWebResponse(
  res: ServerResponse,
  response: Response,
  opts: {
    extraHeaders?: readonly (readonly [string, string])[];
    bufferUnlessStream?: boolean;
    beforeEnd?: () => Promise<void>;
  } = {},
): Promise<void> {
  const extraHeaders = opts.extraHeaders ?? [];
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of extraHeaders) headers[k] = v;
  response.headers.forEach((v, k) => {
    if (k !== "set-cookie") headers[k] = v;
  });
  // Several Set-Cookie headers (next-auth sets more than one) must stay several.
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  if (
    opts.bufferUnlessStream &&
    response.body &&
    !response.headers.get("content-type")?.startsWith("text/event-stream")
  ) {
    // A JSON reply is complete before it is sent: one write with its length, not a chunked stream.
    const body = Buffer.from(await response.arrayBuffer());
    headers["content-length"] = String(body.byteLength);
    await opts.beforeEnd?.();
    res.writeHead(response.status, headers).end(body);
    return;
  }
  res.writeHead(response.status, headers);
  if (!response.body) {
    await opts.beforeEnd?.();
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => void reader.cancel().catch(() => {});
  res.on("close", onClose);
  // Chunks that become ready in the same turn of the event loop (an upstream packet often carries
  // several tokens) leave in one write(2); none waits for a later one.
  let corked = false;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    res.uncork();
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) break;
      if (!corked) {
        corked = true;
        res.cork();
        setImmediate(uncork);
      }
      if (!res.write(value)) await drainOrClose(res);
    }
  } catch {
    // the client went away mid-stream
  } finally {
    uncork();
    res.off("close", onClose);
  }
  await opts.beforeEnd?.();
  res.end();
}

/** Waits for the client to take more, or go away; leaves no listener behind (a long download waits thousands of times). */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
