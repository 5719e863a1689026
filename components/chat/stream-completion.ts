import { EventSourceParserStream } from "eventsource-parser/stream";
import type { ChatBody, ReplyMeta } from "./types";

export type StreamOutcome = { content: string; meta: ReplyMeta; status: "done" | "stopped" | "error" };

type Chunk = {
  model?: string;
  choices?: { delta?: { content?: string | null } }[];
  usage?: { prompt_tokens: number; completion_tokens: number; cost: number };
  error?: { message?: string };
};

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function headerMeta(res: Response): ReplyMeta {
  const h = res.headers;
  const fallbacks = Number(h.get("X-Fallback-Count"));
  return {
    provider: h.get("X-Provider-Used") ?? undefined,
    model: h.get("X-Model-Used") ?? undefined,
    routing_reason: h.get("X-Routing-Reason") ? clip(h.get("X-Routing-Reason")!, 500) : undefined,
    fallbacks: Number.isInteger(fallbacks) && fallbacks >= 0 ? fallbacks : undefined,
    request_id: h.get("X-Request-Id") ?? undefined,
    power_level: h.get("X-Power-Level") ?? undefined,
  };
}

async function errorMessage(res: Response): Promise<string> {
  const data = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return `${data?.error?.message ?? "Request failed"} (HTTP ${res.status})`;
}

/**
 * One streamed chat completion from the gateway. Timing is measured here, in the browser, so it
 * includes the network as the user saw it. Aborting `signal` is the Stop button: the server stops
 * the upstream and still accounts the tokens, but sends no usage chunk, so a stopped reply has none.
 */
export async function streamCompletion(
  body: ChatBody,
  opts: { signal: AbortSignal; onText: (content: string) => void },
): Promise<StreamOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let content = "";
  let meta: ReplyMeta = {};
  const finish = (status: StreamOutcome["status"], extra: ReplyMeta = {}): StreamOutcome => ({
    content,
    status,
    meta: { ...meta, latency_ms: elapsed(), ...extra },
  });

  try {
    const res = await fetch("/api/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, stream: true }),
      signal: opts.signal,
    });
    if (!res.ok || !res.body) return finish("error", { error: clip(await errorMessage(res), 2000) });
    meta = headerMeta(res);

    const reader = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
    for (;;) {
      const { done, value: event } = await reader.read();
      if (done || event.data === "[DONE]") break;
      const chunk = JSON.parse(event.data) as Chunk;
      if (chunk.error) return finish("error", { error: clip(chunk.error.message ?? "The stream failed", 2000) });
      const piece = chunk.choices?.[0]?.delta?.content;
      if (piece) {
        if (content === "") meta.ttft_ms = elapsed();
        content += piece;
        opts.onText(content);
      }
      if (chunk.model && !meta.model) meta.model = chunk.model;
      if (chunk.usage) {
        meta.prompt_tokens = chunk.usage.prompt_tokens;
        meta.completion_tokens = chunk.usage.completion_tokens;
        meta.cost_usd = chunk.usage.cost;
      }
    }
    return finish("done");
  } catch (err) {
    if (opts.signal.aborted) return finish("stopped", { stopped: true });
    return finish("error", { error: clip(err instanceof Error ? err.message : String(err), 2000) });
  }
}
