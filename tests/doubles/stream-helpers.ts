/** Helpers shared by the provider tests (not used by the app): reading UpstreamEvent streams. */
import type { ChunkChoice, UpstreamEvent, Usage } from "../../lib/providers/types.ts";

export async function collect(iterable: AsyncIterable<UpstreamEvent>): Promise<UpstreamEvent[]> {
  const out: UpstreamEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

/** Reads until the iterator throws; returns what came before and the error (or null when it ended). */
export async function collectUntilError(
  iterable: AsyncIterable<UpstreamEvent>,
): Promise<{ events: UpstreamEvent[]; error: unknown }> {
  const events: UpstreamEvent[] = [];
  try {
    for await (const e of iterable) events.push(e);
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}

export function choicesOf(events: UpstreamEvent[]): ChunkChoice[] {
  return events.flatMap((e) => (e.type === "chunk" ? e.choices : []));
}

export function textOf(events: UpstreamEvent[]): string {
  return choicesOf(events)
    .map((c) => (typeof c.delta.content === "string" ? c.delta.content : ""))
    .join("");
}

export function usageOf(events: UpstreamEvent[]): Usage | undefined {
  const usages = events.filter((e): e is Extract<UpstreamEvent, { type: "usage" }> => e.type === "usage");
  return usages.at(-1)?.usage;
}

export function finishReasonOf(events: UpstreamEvent[]): string | null {
  return choicesOf(events).find((c) => c.finish_reason !== null)?.finish_reason ?? null;
}

/** Tool calls assembled from their deltas, by index. */
export function toolCallsOf(events: UpstreamEvent[]): { id: string; name: string; arguments: string }[] {
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const c of choicesOf(events)) {
    for (const d of c.delta.tool_calls ?? []) {
      const call = (calls[d.index] ??= { id: "", name: "", arguments: "" });
      if (d.id) call.id = d.id;
      if (d.function?.name) call.name += d.function.name;
      if (d.function?.arguments) call.arguments += d.function.arguments;
    }
  }
  return calls;
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
