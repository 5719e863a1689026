/**
 * A mock LLM upstream on loopback that speaks both OpenAI chat completions and Anthropic Messages,
 * streamed and not, with scriptable misbehaviour (errors, delays, broken sockets, hangs).
 *
 * Usage counts are deterministic so tests can assert exact values:
 *   prompt_tokens / input_tokens      = number of whitespace-separated words in every text of the
 *                                       request's messages (string contents, text parts, tool results)
 *                                       plus Anthropic's top-level `system`;
 *   completion_tokens / output_tokens = number of reply pieces sent (text pieces, plus the pieces the
 *                                       tool-call arguments are split into).
 *   embeddings' prompt_tokens          = words of every text input, or the length of every token-id
 *                                       input (POST /v1/embeddings; vectors from mockEmbedding).
 *
 * Run directly (`PORT=8100 npx tsx tests/doubles/mock-upstream.ts`) it serves until killed and
 * prints its URL; MOCK_BEHAVIOR may hold a JSON MockBehavior.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";

export type MockToolCall = { name: string; arguments: string };

export type MockBehavior = {
  /** Answer with this status and the provider's error JSON before any streaming. */
  status?: number;
  errorMessage?: string;
  /** Sent as the Retry-After header with an error status. */
  retryAfter?: number | string;
  /** Wait before sending the status line. */
  delayResponseMs?: number;
  /** Streaming: headers go out at once, the first chunk after this delay. */
  delayFirstTokenMs?: number;
  /** The reply pieces (default DEFAULT_TOKENS). */
  tokens?: string[];
  /** Delay between pieces. */
  chunkDelayMs?: number;
  /** Destroy the socket after this many pieces (mid-stream break). */
  breakAfterChunks?: number;
  /** End the response cleanly after this many pieces, with no finish, usage or [DONE]. */
  endAfterChunks?: number;
  /** Send an in-stream error event after this many pieces. */
  streamError?: { afterChunks?: number; type?: string; message?: string };
  /**
   * Error messages (the error status's and the in-stream error's) end with the credentials the
   * request carried, as careless upstreams echo them: `…: Incorrect API key provided: <key>.
   * (Authorization: Bearer <key>)`, or `(x-api-key: <key>)` on the Anthropic side.
   */
  echoCredentials?: boolean;
  /** No usage chunk (OpenAI) / no usage fields (Anthropic). */
  omitUsage?: boolean;
  /** Report this many prompt tokens, however long the prompt was: an upstream billing past its own limits. */
  reportPromptTokens?: number;
  /** Reply with a tool call (after the text pieces if `tokens` is given too). */
  toolCall?: MockToolCall;
  /**
   * Reply with these tool calls, in order (wins over `toolCall`), streamed one after the other as
   * each provider does: OpenAI as tool_calls deltas by `index` (the first with id and name, then
   * the argument pieces), Anthropic as one tool_use content block each. A request that disables
   * parallel tool calls (OpenAI `parallel_tool_calls: false`, Anthropic
   * `tool_choice.disable_parallel_tool_use`) gets only the first, as the real APIs answer it.
   */
  toolCalls?: MockToolCall[];
  /** Overrides the finish_reason (OpenAI) or stop_reason (Anthropic). */
  finishReason?: string;
  /**
   * Prompt-cache reads and writes, in each format's own meaning. OpenAI: `prompt_tokens_details`
   * `cached_tokens` / `cache_write_tokens` (OpenRouter's name), parts of prompt_tokens (so they
   * must fit in it). Anthropic: `cache_read_input_tokens` / `cache_creation_input_tokens` in
   * message_start and message_delta, on top of input_tokens (which leaves the cache out).
   */
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
  /**
   * Hidden reasoning tokens, billed as output: added to completion_tokens / output_tokens, and
   * named in OpenAI's `completion_tokens_details.reasoning_tokens` (Anthropic has no such field).
   */
  reasoningTokens?: number;
  /** Never answer; the request stays open until the client gives up. */
  hangForever?: boolean;
  /** As the default behaviour: the model list (GET /models) answers with this status too, as an upstream that is down answers everything. */
  modelListStatus?: number;
};

export type RecordedRequest = {
  id: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it was not JSON (undefined when empty). */
  body: any;
  model: string | undefined;
  /**
   * What a chat request said about parallel tool calls: false when it disabled them (OpenAI
   * `parallel_tool_calls: false`, Anthropic `tool_choice.disable_parallel_tool_use: true`), true
   * when it allowed them explicitly, undefined when it said nothing (both APIs then allow them).
   */
  parallelToolCalls: boolean | undefined;
  /** The client went away before the response was complete. */
  aborted: boolean;
  /** The response was sent completely. */
  finished: boolean;
  startedAt: number;
  endedAt: number | null;
};

export type MockUpstreamOptions = {
  port?: number;
  host?: string;
  /** Default behaviour for every call. */
  behavior?: MockBehavior;
  /** Ids listed by GET /v1/models. */
  models?: string[];
  /**
   * When set, requests must carry it (Authorization: Bearer for OpenAI paths, x-api-key for
   * Anthropic; either for GET /models) or get 401. The model list's 401 echoes the key it was
   * given, as careless upstreams do.
   */
  apiKey?: string;
  /** Record requests (default true); turn off for long benchmarks. */
  record?: boolean;
  /**
   * Serve test controls for a mock in another process (the browser tests'): `POST /__double/behavior`
   * with a MockBehavior as JSON sets the default behaviour, `POST /__double/reset` restores it.
   */
  controls?: boolean;
};

export type MockUpstream = {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Sets the default behaviour, or the behaviour for one model, or (once) the next matching call's. */
  setBehavior(behavior: MockBehavior, scope?: { model?: string; once?: boolean }): void;
  /** Forgets per-model and one-shot behaviours and restores the default given at start. */
  resetBehavior(): void;
  clearRequests(): void;
  /** Resolves when `predicate` holds for some recorded request (polls), rejects after timeoutMs. */
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
};

export const DEFAULT_TOKENS = ["Hello", " from", " the", " mock", " upstream", "."];
export const DEFAULT_MODELS = ["mock-small", "mock-large"];

export async function startMockUpstream(opts: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const initialDefault: MockBehavior = { ...(opts.behavior ?? {}) };
  let defaultBehavior = initialDefault;
  const perModel = new Map<string, MockBehavior>();
  const once: { model?: string; behavior: MockBehavior }[] = [];
  const requests: RecordedRequest[] = [];
  const record = opts.record ?? true;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const behaviorFor = (model: string | undefined): MockBehavior => {
    const i = once.findIndex((o) => o.model === undefined || o.model === model);
    if (i >= 0) return once.splice(i, 1)[0]!.behavior;
    return (model !== undefined ? perModel.get(model) : undefined) ?? defaultBehavior;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: `mock upstream crashed: ${String(err)}`, type: "server_error" } }));
      } else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0]!;
    const body = raw === "" ? undefined : safeJson(raw);
    const rec: RecordedRequest = {
      id: ++seq,
      method: req.method ?? "GET",
      path,
      headers: flattenHeaders(req.headers),
      body,
      model: typeof body?.model === "string" ? body.model : undefined,
      parallelToolCalls: parallelToolCallsOf(body),
      aborted: false,
      finished: false,
      startedAt: Date.now(),
      endedAt: null,
    };
    if (record) requests.push(rec);
    const ctx = new Ctx(res, rec, timers);

    if (opts.controls && req.method === "POST" && (path === "/__double/behavior" || path === "/__double/reset")) {
      if (path === "/__double/reset") defaultBehavior = initialDefault;
      else if (typeof body === "object" && body !== null) defaultBehavior = body as MockBehavior;
      else return ctx.json(400, { error: { message: "the body must be a JSON MockBehavior" } });
      return ctx.json(200, { behavior: defaultBehavior });
    }

    if (req.method === "GET" && (path === "/v1/models" || path === "/models")) {
      const down = defaultBehavior.modelListStatus;
      if (down !== undefined)
        return ctx.json(down, openAiError(down, defaultBehavior.errorMessage ?? `mock error ${down}`));
      // Both APIs list models here: Anthropic's callers send x-api-key, OpenAI's a Bearer token.
      if (opts.apiKey !== undefined) {
        const anthropic = rec.headers["x-api-key"] !== undefined;
        const given = anthropic ? rec.headers["x-api-key"] : rec.headers.authorization?.replace(/^Bearer\s+/i, "");
        if (given !== opts.apiKey)
          return ctx.json(
            401,
            (anthropic ? anthropicError : openAiError)(401, given ? `invalid api key: ${given}` : "no api key given"),
          );
      }
      const models = opts.models ?? DEFAULT_MODELS;
      return ctx.json(200, {
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "mock" })),
      });
    }
    if (path === "/v1/embeddings" || path === "/embeddings")
      return mockEmbeddings(ctx, req.method ?? "GET", body, opts.apiKey, behaviorFor);
    const isOpenAi = path === "/v1/chat/completions" || path === "/chat/completions";
    const isAnthropic = path === "/v1/messages";
    if (!isOpenAi && !isAnthropic)
      return ctx.json(404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error" } });
    if (req.method !== "POST") return ctx.json(405, { error: { message: "use POST", type: "invalid_request_error" } });
    const errorBody = isAnthropic ? anthropicError : openAiError;

    if (opts.apiKey !== undefined) {
      const given = isAnthropic ? rec.headers["x-api-key"] : rec.headers.authorization?.replace(/^Bearer\s+/i, "");
      if (given !== opts.apiKey) return ctx.json(401, errorBody(401, "invalid api key"));
    }
    if (typeof body !== "object" || body === null || !Array.isArray(body.messages)) {
      return ctx.json(400, errorBody(400, "body must be JSON with a messages array"));
    }
    const b = withEcho(behaviorFor(rec.model), rec.headers);
    if (b.hangForever) return; // res 'close' records the abort
    await ctx.sleep(b.delayResponseMs);
    if (ctx.closed) return;
    if (b.status !== undefined && (b.status < 200 || b.status >= 300)) {
      const headers: Record<string, string> = {};
      if (b.retryAfter !== undefined) headers["retry-after"] = String(b.retryAfter);
      return ctx.json(b.status, errorBody(b.status, b.errorMessage ?? `mock error ${b.status}`), headers);
    }
    const plan = replyPlan(body, b, isAnthropic);
    if (isAnthropic)
      return body.stream === true ? anthropicStream(ctx, body, b, plan) : anthropicJson(ctx, body, b, plan);
    return body.stream === true ? openAiStream(ctx, body, b, plan) : openAiJson(ctx, body, b, plan);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? "127.0.0.1";

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    requests,
    setBehavior(behavior, scope) {
      if (scope?.once) once.push({ model: scope.model, behavior });
      else if (scope?.model !== undefined) perModel.set(scope.model, behavior);
      else defaultBehavior = behavior;
    },
    resetBehavior() {
      defaultBehavior = initialDefault;
      perModel.clear();
      once.length = 0;
    },
    clearRequests() {
      requests.length = 0;
    },
    async waitFor(predicate, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = requests.find(predicate);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`mock upstream: no matching request within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Per-request plumbing

class Ctx {
  closed = false;
  serverDestroyed = false;
  private wakers = new Set<() => void>();

  constructor(
    readonly res: ServerResponse,
    readonly rec: RecordedRequest,
    private timers: Set<NodeJS.Timeout>,
  ) {
    res.on("close", () => {
      this.closed = true;
      rec.endedAt = Date.now();
      if (res.writableFinished) rec.finished = true;
      else if (!this.serverDestroyed) rec.aborted = true;
      for (const wake of this.wakers) wake();
      this.wakers.clear();
    });
  }

  /** Sleeps, waking early if the client goes away. */
  sleep(ms: number | undefined): Promise<void> {
    if (!ms || ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      this.wakers.add(done);
    });
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}) {
    if (this.closed) return;
    const text = JSON.stringify(body);
    this.res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "x-request-id": `req_mock_${this.rec.id}`,
      ...headers,
    });
    this.res.end(text);
  }

  startSse() {
    this.res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-request-id": `req_mock_${this.rec.id}`,
    });
    this.res.flushHeaders();
  }

  write(text: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.res.write(text, () => resolve()));
  }

  /** Cuts the connection as a crashing upstream would (not recorded as a client abort). */
  destroy() {
    this.serverDestroyed = true;
    this.res.socket?.destroy();
  }

  end() {
    if (!this.closed) this.res.end();
  }
}

/** `call`: which of the plan's tool calls an argument piece belongs to. */
type Piece = { kind: "text" | "args"; text: string; call?: number };
/** `calls`: the tool calls the reply makes (none when the text was cut by max_tokens). */
type ReplyPlan = { pieces: Piece[]; truncated: boolean; promptWords: number; calls: MockToolCall[] };

function replyPlan(body: any, b: MockBehavior, anthropic: boolean): ReplyPlan {
  const wanted = b.toolCalls ?? (b.toolCall ? [b.toolCall] : []);
  const calls = parallelToolCallsOf(body) === false ? wanted.slice(0, 1) : wanted;
  const textTokens = b.tokens ?? (calls.length ? [] : DEFAULT_TOKENS);
  const limit =
    Number.isInteger(body.max_tokens) && body.max_tokens > 0
      ? body.max_tokens
      : Number.isInteger(body.max_completion_tokens) && body.max_completion_tokens > 0
        ? body.max_completion_tokens
        : Infinity;
  const text = textTokens.slice(0, limit).map((t): Piece => ({ kind: "text", text: t }));
  const truncated = textTokens.length > limit;
  const made = truncated ? [] : calls;
  const args = made.flatMap((c, call) =>
    splitArguments(c.arguments).map((t): Piece => ({ kind: "args", text: t, call })),
  );
  const promptWords = b.reportPromptTokens ?? countWords(anthropic ? [body.system, body.messages] : body.messages);
  return { pieces: [...text, ...args], truncated, promptWords, calls: made };
}

/** What a chat request says about parallel tool calls (see RecordedRequest.parallelToolCalls). */
function parallelToolCallsOf(body: any): boolean | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  if (typeof body.parallel_tool_calls === "boolean") return body.parallel_tool_calls;
  const disabled = body.tool_choice?.disable_parallel_tool_use;
  return typeof disabled === "boolean" ? !disabled : undefined;
}

/** Tool call `call`'s id: `call_mock_<request>_<n>` (OpenAI) or `toolu_mock_<request>_<n>` (Anthropic). */
function toolCallId(prefix: "call" | "toolu", ctx: Ctx, call: number): string {
  return `${prefix}_mock_${ctx.rec.id}_${call}`;
}

/** Splits tool arguments into up to three deterministic pieces. */
export function splitArguments(args: string): string[] {
  if (args.length < 3) return args ? [args] : [];
  const third = Math.ceil(args.length / 3);
  return [args.slice(0, third), args.slice(third, 2 * third), args.slice(2 * third)].filter(Boolean);
}

/** Words in every text of a request: strings, `text` fields, tool results; not tool-call arguments or images. */
export function countWords(value: unknown): number {
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean).length;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countWords(v), 0);
  if (typeof value !== "object" || value === null) return 0;
  const o = value as Record<string, unknown>;
  if (o.type === "image_url" || o.type === "image" || o.type === "tool_use") return 0;
  return countWords(o.content) + countWords(o.text);
}

/** Runs the pieces with pacing and the break/end/error switches; returns false when the stream was cut short. */
async function emitPieces(
  ctx: Ctx,
  b: MockBehavior,
  pieces: Piece[],
  send: (p: Piece, i: number) => Promise<void>,
  sendError: (e: { type?: string; message?: string }) => Promise<void>,
): Promise<boolean> {
  for (let i = 0; i <= pieces.length; i++) {
    if (ctx.closed) return false;
    if (b.breakAfterChunks === i) {
      ctx.destroy();
      return false;
    }
    if (b.endAfterChunks === i) {
      ctx.end();
      return false;
    }
    if (b.streamError && (b.streamError.afterChunks ?? 0) === i) {
      await sendError(b.streamError);
      ctx.end();
      return false;
    }
    if (i === pieces.length) return true;
    if (i > 0) await ctx.sleep(b.chunkDelayMs);
    if (ctx.closed) return false;
    await send(pieces[i]!, i);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// OpenAI chat completions

function openAiError(status: number, message: string) {
  const type = status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  const code = status === 401 ? "invalid_api_key" : status === 429 ? "rate_limit_exceeded" : null;
  return { error: { message, type, param: null, code } };
}

async function openAiStream(ctx: Ctx, body: any, b: MockBehavior, plan: ReplyPlan) {
  const id = `chatcmpl-mock-${ctx.rec.id}`;
  const created = Math.floor(Date.now() / 1000);
  const includeUsage = body.stream_options?.include_usage === true && !b.omitUsage;
  const frame = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, system_fingerprint: "fp_mock", choices, ...(includeUsage ? { usage: null } : {}), ...extra })}\n\n`;
  const choice = (delta: unknown, finish: string | null = null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });

  ctx.startSse();
  await ctx.sleep(b.delayFirstTokenMs);
  if (ctx.closed) return;
  await ctx.write(frame([choice({ role: "assistant", content: "", refusal: null })]));
  // Each call is announced (index, id, name, empty arguments) right before its first argument
  // piece, as OpenAI streams them; a call without arguments when the next one starts, or at the end.
  let announced = 0;
  const announceUpTo = async (call: number) => {
    for (; announced <= call; announced++) {
      await ctx.write(
        frame([
          choice({
            tool_calls: [
              {
                index: announced,
                id: toolCallId("call", ctx, announced),
                type: "function",
                function: { name: plan.calls[announced]!.name, arguments: "" },
              },
            ],
          }),
        ]),
      );
    }
  };
  const complete = await emitPieces(
    ctx,
    b,
    plan.pieces,
    async (p) => {
      if (p.kind === "text") return ctx.write(frame([choice({ content: p.text })]));
      await announceUpTo(p.call!);
      return ctx.write(frame([choice({ tool_calls: [{ index: p.call, function: { arguments: p.text } }] })]));
    },
    (e) =>
      ctx.write(
        `data: ${JSON.stringify({ error: { message: e.message ?? "mock stream error", type: e.type ?? "server_error", param: null, code: null } })}\n\n`,
      ),
  );
  if (!complete) return;
  await announceUpTo(plan.calls.length - 1);
  const finish = b.finishReason ?? (plan.truncated ? "length" : plan.calls.length ? "tool_calls" : "stop");
  await ctx.write(frame([choice({}, finish)]));
  if (includeUsage) await ctx.write(frame([], { usage: openAiUsage(b, plan) }));
  await ctx.write("data: [DONE]\n\n");
  ctx.end();
}

async function openAiJson(ctx: Ctx, body: any, b: MockBehavior, plan: ReplyPlan) {
  await ctx.sleep(b.delayFirstTokenMs);
  await ctx.sleep((b.chunkDelayMs ?? 0) * Math.max(0, plan.pieces.length - 1));
  if (ctx.closed) return;
  if (b.breakAfterChunks !== undefined) return ctx.destroy();
  const text = plan.pieces
    .filter((p) => p.kind === "text")
    .map((p) => p.text)
    .join("");
  const message: Record<string, unknown> = { role: "assistant", content: text || null, refusal: null };
  if (plan.calls.length)
    message.tool_calls = plan.calls.map((c, i) => ({
      id: toolCallId("call", ctx, i),
      type: "function",
      function: { name: c.name, arguments: c.arguments },
    }));
  const finish = b.finishReason ?? (plan.truncated ? "length" : plan.calls.length ? "tool_calls" : "stop");
  ctx.json(200, {
    id: `chatcmpl-mock-${ctx.rec.id}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    system_fingerprint: "fp_mock",
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
    ...(b.omitUsage ? {} : { usage: openAiUsage(b, plan) }),
  });
}

function openAiUsage(b: MockBehavior, plan: ReplyPlan) {
  const completion = plan.pieces.length + (b.reasoningTokens ?? 0);
  const usage: Record<string, unknown> = {
    prompt_tokens: plan.promptWords,
    completion_tokens: completion,
    total_tokens: plan.promptWords + completion,
  };
  if (b.cacheReadTokens !== undefined || b.cacheCreationTokens !== undefined) {
    usage.prompt_tokens_details = {
      cached_tokens: b.cacheReadTokens ?? 0,
      ...(b.cacheCreationTokens !== undefined ? { cache_write_tokens: b.cacheCreationTokens } : {}),
    };
  }
  if (b.reasoningTokens !== undefined) usage.completion_tokens_details = { reasoning_tokens: b.reasoningTokens };
  return usage;
}

// ---------------------------------------------------------------------------------------------
// Anthropic Messages

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

function anthropicError(status: number, message: string) {
  return {
    type: "error",
    error: { type: ANTHROPIC_ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message },
  };
}

function anthropicStop(b: MockBehavior, plan: ReplyPlan): string {
  return b.finishReason ?? (plan.truncated ? "max_tokens" : plan.calls.length ? "tool_use" : "end_turn");
}

function anthropicUsage(b: MockBehavior, plan: ReplyPlan, output: number) {
  const usage: Record<string, number> = { input_tokens: plan.promptWords, output_tokens: output };
  if (b.cacheCreationTokens !== undefined) usage.cache_creation_input_tokens = b.cacheCreationTokens;
  if (b.cacheReadTokens !== undefined) usage.cache_read_input_tokens = b.cacheReadTokens;
  return usage;
}

async function anthropicStream(ctx: Ctx, body: any, b: MockBehavior, plan: ReplyPlan) {
  const event = (type: string, data: Record<string, unknown>) =>
    ctx.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const stop = anthropicStop(b, plan);
  const hasText = plan.pieces.some((p) => p.kind === "text");
  // Text (if any) is content block 0; tool call i is block firstToolBlock + i.
  const firstToolBlock = hasText ? 1 : 0;

  ctx.startSse();
  await ctx.sleep(b.delayFirstTokenMs);
  if (ctx.closed) return;
  await event("message_start", {
    message: {
      id: `msg_mock_${ctx.rec.id}`,
      type: "message",
      role: "assistant",
      content: [],
      model: body.model,
      stop_reason: null,
      stop_sequence: null,
      ...(b.omitUsage ? {} : { usage: anthropicUsage(b, plan, 1) }),
    },
  });
  let textOpen = false;
  /** The tool call whose block is open (-1: none); blocks start in order, one at a time. */
  let openTool = -1;
  let toolsStarted = 0;
  const closeOpen = async () => {
    if (textOpen) await event("content_block_stop", { index: 0 });
    if (openTool >= 0) await event("content_block_stop", { index: firstToolBlock + openTool });
    textOpen = false;
    openTool = -1;
  };
  // As Anthropic streams a tool_use block: its start (id, name, empty input), an empty
  // input_json_delta, then the argument pieces, then its stop before the next block starts.
  const startToolsUpTo = async (call: number) => {
    for (; toolsStarted <= call; toolsStarted++) {
      await closeOpen();
      openTool = toolsStarted;
      const block = firstToolBlock + toolsStarted;
      await event("content_block_start", {
        index: block,
        content_block: {
          type: "tool_use",
          id: toolCallId("toolu", ctx, toolsStarted),
          name: plan.calls[toolsStarted]!.name,
          input: {},
        },
      });
      await event("content_block_delta", { index: block, delta: { type: "input_json_delta", partial_json: "" } });
    }
  };
  const complete = await emitPieces(
    ctx,
    b,
    plan.pieces,
    async (p) => {
      if (p.kind === "text") {
        if (!textOpen) {
          textOpen = true;
          await event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
          await event("ping", {});
        }
        return event("content_block_delta", { index: 0, delta: { type: "text_delta", text: p.text } });
      }
      await startToolsUpTo(p.call!);
      return event("content_block_delta", {
        index: firstToolBlock + p.call!,
        delta: { type: "input_json_delta", partial_json: p.text },
      });
    },
    (e) => event("error", { error: { type: e.type ?? "overloaded_error", message: e.message ?? "Overloaded" } }),
  );
  if (!complete) return;
  await startToolsUpTo(plan.calls.length - 1);
  await closeOpen();
  const stopSequence =
    stop === "stop_sequence" && Array.isArray(body.stop_sequences) ? (body.stop_sequences[0] ?? null) : null;
  // Cumulative, as the API sends it: the output so far, and the prompt's counts again when a cache was involved.
  const cached = b.cacheReadTokens !== undefined || b.cacheCreationTokens !== undefined;
  const output = plan.pieces.length + (b.reasoningTokens ?? 0);
  const finalUsage = cached ? anthropicUsage(b, plan, output) : { output_tokens: output };
  await event("message_delta", {
    delta: { stop_reason: stop, stop_sequence: stopSequence },
    ...(b.omitUsage ? {} : { usage: finalUsage }),
  });
  await event("message_stop", {});
  ctx.end();
}

async function anthropicJson(ctx: Ctx, body: any, b: MockBehavior, plan: ReplyPlan) {
  await ctx.sleep(b.delayFirstTokenMs);
  await ctx.sleep((b.chunkDelayMs ?? 0) * Math.max(0, plan.pieces.length - 1));
  if (ctx.closed) return;
  if (b.breakAfterChunks !== undefined) return ctx.destroy();
  const content: Record<string, unknown>[] = [];
  const text = plan.pieces
    .filter((p) => p.kind === "text")
    .map((p) => p.text)
    .join("");
  if (text) content.push({ type: "text", text });
  plan.calls.forEach((c, i) =>
    content.push({
      type: "tool_use",
      id: toolCallId("toolu", ctx, i),
      name: c.name,
      input: safeJson(c.arguments) ?? {},
    }),
  );
  ctx.json(200, {
    id: `msg_mock_${ctx.rec.id}`,
    type: "message",
    role: "assistant",
    model: body.model,
    content,
    stop_reason: anthropicStop(b, plan),
    stop_sequence: null,
    usage: b.omitUsage ? undefined : anthropicUsage(b, plan, plan.pieces.length + (b.reasoningTokens ?? 0)),
  });
}

// ---------------------------------------------------------------------------------------------
// OpenAI embeddings

/** Length of a mock vector when the request names no `dimensions` (small: tests read them). */
export const MOCK_EMBEDDING_DIMENSIONS = 8;

/**
 * POST /v1/embeddings. Of the behaviour, what applies to a reply that is one JSON body: status
 * (with errorMessage, retryAfter, echoCredentials), delayResponseMs, hangForever,
 * breakAfterChunks (any value: the connection is cut before the body), omitUsage and
 * reportPromptTokens. `encoding_format: "base64"` is answered as OpenAI does (little-endian float32).
 */
async function mockEmbeddings(
  ctx: Ctx,
  method: string,
  body: any,
  apiKey: string | undefined,
  behaviorFor: (model: string | undefined) => MockBehavior,
) {
  if (method !== "POST") return ctx.json(405, openAiError(405, "use POST"));
  if (apiKey !== undefined && ctx.rec.headers.authorization?.replace(/^Bearer\s+/i, "") !== apiKey)
    return ctx.json(401, openAiError(401, "invalid api key"));
  const inputs = embeddingInputs(body?.input);
  if (!inputs)
    return ctx.json(400, openAiError(400, "input must be a non-empty string, array of strings, or token array(s)"));
  const b = withEcho(behaviorFor(ctx.rec.model), ctx.rec.headers);
  if (b.hangForever) return; // res 'close' records the abort
  await ctx.sleep(b.delayResponseMs);
  if (ctx.closed) return;
  if (b.status !== undefined && (b.status < 200 || b.status >= 300)) {
    const headers: Record<string, string> = b.retryAfter !== undefined ? { "retry-after": String(b.retryAfter) } : {};
    return ctx.json(b.status, openAiError(b.status, b.errorMessage ?? `mock error ${b.status}`), headers);
  }
  if (b.breakAfterChunks !== undefined) return ctx.destroy();
  const dimensions =
    Number.isInteger(body.dimensions) && body.dimensions > 0 ? (body.dimensions as number) : MOCK_EMBEDDING_DIMENSIONS;
  const base64 = body.encoding_format === "base64";
  const prompt =
    b.reportPromptTokens ?? inputs.reduce((n: number, i) => n + (typeof i === "string" ? countWords(i) : i.length), 0);
  ctx.json(200, {
    object: "list",
    data: inputs.map((input, index) => {
      const vector = mockEmbedding(input, dimensions);
      if (!base64) return { object: "embedding", index, embedding: vector };
      const bytes = Buffer.alloc(vector.length * 4);
      vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
      return { object: "embedding", index, embedding: bytes.toString("base64") };
    }),
    model: body.model,
    ...(b.omitUsage ? {} : { usage: { prompt_tokens: prompt, total_tokens: prompt } }),
  });
}

/** The request's inputs as a list (a string or one token array is one input), or null when malformed. */
function embeddingInputs(input: unknown): (string | number[])[] | null {
  const isTokens = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t));
  if (typeof input === "string") return input ? [input] : null;
  if (isTokens(input)) return [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((v) => typeof v === "string" && v !== "") || input.every(isTokens))
    return input as (string | number[])[];
  return null;
}

/** A deterministic unit vector (float32 values) for one input: mulberry32 seeded with the input's FNV-1a hash. */
export function mockEmbedding(input: string | number[], dimensions: number): number[] {
  const text = typeof input === "string" ? input : `tokens:${input.join(",")}`;
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193);
  const raw: number[] = [];
  for (let k = 0; k < dimensions; k++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    raw.push(((t ^ (t >>> 14)) >>> 0) / 2 ** 32 - 0.5);
  }
  const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0)) || 1;
  return raw.map((v) => Math.fround(v / norm));
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The behaviour with its error messages carrying the request's credentials, when it asks for that. */
function withEcho(b: MockBehavior, headers: Record<string, string>): MockBehavior {
  if (!b.echoCredentials) return b;
  const xApiKey = headers["x-api-key"];
  const key = xApiKey ?? headers.authorization?.replace(/^Bearer\s+/i, "") ?? "";
  const echo = `: Incorrect API key provided: ${key}. (${xApiKey !== undefined ? `x-api-key: ${xApiKey}` : `Authorization: ${headers.authorization ?? ""}`})`;
  return {
    ...b,
    ...(b.status !== undefined ? { errorMessage: `${b.errorMessage ?? `mock error ${b.status}`}${echo}` } : {}),
    ...(b.streamError
      ? { streamError: { ...b.streamError, message: `${b.streamError.message ?? "mock stream error"}${echo}` } }
      : {}),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function flattenHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// CLI: `PORT=8100 npx tsx tests/doubles/mock-upstream.ts`

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const behavior = process.env.MOCK_BEHAVIOR ? (JSON.parse(process.env.MOCK_BEHAVIOR) as MockBehavior) : undefined;
  const mock = await startMockUpstream({
    port: Number(process.env.PORT ?? 0),
    host: process.env.HOST ?? "127.0.0.1",
    behavior,
    record: false,
  });
  console.log(mock.url);
  const stop = () => void mock.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
