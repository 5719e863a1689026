// Preloaded (`node --require`) into Portkey's open-source gateway by bench/gateway.bench.ts.
// Its Node server adds headers to the upstream's Response, whose headers `fetch` made immutable,
// and streaming replies then fail with "TypeError: immutable". Re-wrapping each result in a fresh
// Response (same body stream, status and a mutable copy of the headers) is all it needs; the body
// is not read or buffered here.
"use strict";
const upstreamFetch = globalThis.fetch;
globalThis.fetch = async function fetchWithMutableHeaders(...args) {
  const res = await upstreamFetch.apply(this, args);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: new Headers(res.headers) });
};
