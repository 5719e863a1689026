/**
 * Helpers for the tests of this folder: frames back into `{ event, data }`, and OpenAI's documented
 * examples as this gateway serves them (its ids, and the settings it reports differently on purpose).
 */
import { expect } from "vitest";
import type { SseFixture } from "./test-fixtures.ts";

type Json = Record<string, unknown>;

/** Frames back into `{ event, data }`, checking each is exactly `event: <type>\ndata: <json>\n\n` with matching types. */
export function parseFrames(frames: string[]): SseFixture {
  return frames.map((f) => {
    const m = /^event: ([a-z_.]+)\ndata: (.*)\n\n$/s.exec(f);
    if (!m) throw new Error(`not an SSE event frame: ${JSON.stringify(f)}`);
    const data = JSON.parse(m[2]!) as Json;
    expect(data.type).toBe(m[1]);
    return { event: m[1]!, data };
  });
}

/**
 * A documented example as the gateway answers it: OpenAI's ids swapped for ours (`ids`: theirs →
 * ours), and in every Response object what the gateway says differently by design: nothing is
 * stored (`store: false`), sampling the caller left to the provider reads null, and there is no
 * `reasoning` section (this dialect does not translate reasoning).
 */
export function asServed<T>(documented: T, ids: Record<string, string>): T {
  let text = JSON.stringify(documented);
  for (const [theirs, ours] of Object.entries(ids))
    text = text.replaceAll(JSON.stringify(theirs), JSON.stringify(ours));
  return adjust(JSON.parse(text)) as T;
}

function adjust(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(adjust);
  if (typeof value !== "object" || value === null) return value;
  const o = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, adjust(v)]));
  if (o.object !== "response") return o;
  const { reasoning: _r, ...rest } = o;
  return { ...rest, store: false, temperature: null, top_p: null };
}
