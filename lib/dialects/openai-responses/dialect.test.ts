import { describe, expect, it } from "vitest";
import { CompletionAccumulator } from "../../gateway/accumulator.ts";
import type { UpstreamEvent } from "../../providers/types.ts";
import { responsesDialect } from "./dialect.ts";
import type { ResponseObject } from "./response-object.ts";
import { responsesRequestSchema } from "./schema.ts";
import { textRequest } from "./test-fixtures.ts";
import { parseFrames } from "./test-frames.ts";

const EVENTS: UpstreamEvent[] = [
  { type: "chunk", choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: "stop" }] },
  { type: "usage", usage: { prompt_tokens: 900, completion_tokens: 30, cache_read_tokens: 512, reasoning_tokens: 20 } },
];

function meta() {
  const acc = new CompletionAccumulator();
  EVENTS.forEach((e) => acc.add(e));
  return { requestId: "req-1", completionId: "chatcmpl-req-1", created: 1, model: "oai/m", acc };
}

const dialect = responsesDialect(responsesRequestSchema.parse({ ...textRequest, instructions: "Be brief." }));
// What the ledger charged differs from what the upstream reported (a BYOK fee does not, a capped
// count does): the reply must say what was charged.
const RESULT = { chargedMicros: 5, availableMicros: 10, promptTokens: 1000, completionTokens: 25 };

describe("responsesDialect", () => {
  it("is recorded as the responses API", () => {
    expect(dialect.name).toBe("responses");
  });

  it("reports the charged counts with the upstream's cache and reasoning details, in both forms", () => {
    const expected = {
      input_tokens: 1000,
      input_tokens_details: { cached_tokens: 512 },
      output_tokens: 25,
      output_tokens_details: { reasoning_tokens: 20 },
      total_tokens: 1025,
    };
    const body = dialect.body(meta(), RESULT) as ResponseObject;
    expect(body).toMatchObject({ id: "resp_req-1", model: "oai/m", instructions: "Be brief.", usage: expected });
    const s = dialect.stream(meta());
    const frames = [...EVENTS.flatMap((e) => s.push(e)), ...s.end(RESULT)].map((b) => new TextDecoder().decode(b));
    expect(parseFrames(frames).at(-1)!.data.response).toMatchObject({ status: "completed", usage: expected });
  });

  it("closes a stream already settled elsewhere without usage, and fails with the pipeline's code", () => {
    const settled = dialect.stream(meta());
    const closed = parseFrames(settled.end(null).map((b) => new TextDecoder().decode(b)));
    expect(closed.at(-1)!.data.response).toMatchObject({ status: "completed", usage: null });
    const broken = dialect.stream(meta());
    const failed = parseFrames(
      broken.fail("accounting failed (request req-1)", "internal_error", null).map((b) => new TextDecoder().decode(b)),
    );
    expect(failed.slice(-2).map((e) => [e.event, e.data.code ?? (e.data.response as ResponseObject).status])).toEqual([
      ["error", "internal_error"],
      ["response.failed", "failed"],
    ]);
  });
});
