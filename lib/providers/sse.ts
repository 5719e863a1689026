/**
 * Server-sent events, both ways. Decoding goes through eventsource-parser (the one SSE parser in
 * the project); encoding is the `data: ...\n\n` framing the gateway writes to its clients.
 */
import { createParser, type EventSourceMessage, type ParseError } from "eventsource-parser";

export type SseMessage = EventSourceMessage;

/** A pull reader over a response body's SSE events. `cancel()` releases the connection; it is idempotent. */
export type SseReader = {
  /** The next event, or undefined once the body has ended. Rejects when the body errors (socket reset, abort). */
  read(): Promise<SseMessage | undefined>;
  cancel(): void;
};

export function openSseReader(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): SseReader {
  // eventsource-parser's callback API fed straight from the body: the same parsing as its
  // EventSourceParserStream behind a TextDecoderStream, without two Web-stream hops (and their
  // promises) for every event of every reply, which the gateway's profile showed.
  // A Web ReadableStream is async-iterable too (returning from it cancels the stream).
  const chunks = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  const queue: SseMessage[] = [];
  let failure: ParseError | null = null;
  const parser = createParser({
    onEvent: (event) => void queue.push(event),
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") failure = error;
    },
  });
  let finished = false;
  return {
    async read() {
      for (;;) {
        if (queue.length) return queue.shift();
        if (failure) throw failure;
        if (finished) return undefined;
        const r = await chunks.next();
        if (r.done) {
          parser.feed(decoder.decode());
          finished = true;
        } else parser.feed(decoder.decode(r.value, { stream: true }));
      }
    },
    cancel() {
      if (finished) return;
      finished = true;
      queue.length = 0;
      Promise.resolve(chunks.return?.()).catch(() => {});
    },
  };
}

/** The SSE events of a body as an async iterable; breaking out of the loop cancels the body. */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncGenerator<SseMessage> {
  const reader = openSseReader(body);
  try {
    for (;;) {
      const message = await reader.read();
      if (!message) return;
      yield message;
    }
  } finally {
    reader.cancel();
  }
}

/** One `data:` frame: JSON, or the literal `[DONE]` terminator of OpenAI streams. */
export function encodeSse(data: unknown): string {
  if (data === "[DONE]") return "data: [DONE]\n\n";
  return `data: ${JSON.stringify(data) ?? "null"}\n\n`;
}

/** A named event frame (`event: x` + `data: {...}`), the framing Anthropic's Messages API uses. */
export function encodeSseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data) ?? "null"}\n\n`;
}

/** A comment frame, ignored by clients: useful as a keep-alive. */
export function encodeSseComment(text = ""): string {
  return `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
}
