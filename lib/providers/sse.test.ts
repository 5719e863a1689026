import { describe, expect, it } from "vitest";
import { encodeSse, encodeSseComment, encodeSseEvent, readSseEvents } from "./sse.ts";

function bodyOf(pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

async function all(body: ReadableStream<Uint8Array>) {
  const out = [];
  for await (const e of readSseEvents(body)) out.push(e);
  return out;
}

describe("sse", () => {
  it("encodes data frames and the [DONE] terminator", () => {
    expect(encodeSse({ a: 1, s: "x\ny" })).toBe('data: {"a":1,"s":"x\\ny"}\n\n');
    expect(encodeSse("[DONE]")).toBe("data: [DONE]\n\n");
    expect(encodeSse("text")).toBe('data: "text"\n\n');
    expect(encodeSseEvent("ping", { type: "ping" })).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    expect(encodeSseComment("keep\nalive")).toBe(": keep alive\n\n");
  });

  it("parses events split anywhere across network chunks, including multi-byte characters", async () => {
    const text =
      encodeSse({ a: "héllo ✓" }) +
      ": comment\n\n" +
      encodeSseEvent("message_stop", { type: "message_stop" }) +
      "data: line1\r\ndata: line2\r\n\r\n" +
      encodeSse("[DONE]");
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 3) controller.enqueue(bytes.slice(i, i + 3));
        controller.close();
      },
    });
    const events = await all(body);
    expect(events.map((e) => [e.event, e.data])).toEqual([
      [undefined, '{"a":"héllo ✓"}'],
      ["message_stop", '{"type":"message_stop"}'],
      [undefined, "line1\nline2"],
      [undefined, "[DONE]"],
    ]);
  });

  it("drops an incomplete trailing event", async () => {
    expect((await all(bodyOf(["data: 1\n\n", "data: 2"]))).map((e) => e.data)).toEqual(["1"]);
  });

  it("rejects when the body errors", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("data: 1\n\n"));
        controller.error(new TypeError("terminated"));
      },
    });
    await expect(all(body)).rejects.toThrow("terminated");
  });
});
