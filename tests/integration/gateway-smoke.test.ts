import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayFixture, type GatewayFixture } from "../harness/gateway-fixture";

let f: GatewayFixture;
beforeAll(async () => {
  f = await startGatewayFixture();
  await f.addProvider("mock-openai");
  await f.addModel("mock-openai", "mock-small", { level: "BALANCED", input: 1, output: 2 });
  await f.grant(f.user.id, 5);
});
afterAll(() => f?.close());

describe("gateway through the openai SDK", () => {
  it("answers a non-streamed completion with usage, cost and routing headers", async () => {
    const { data, response } = await f
      .openai()
      .chat.completions.create({ model: "auto", messages: [{ role: "user", content: "say hello please" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Hello from the mock upstream.");
    expect(data.model).toBe("mock-openai/mock-small");
    // mock counts: 3 prompt words, 6 reply pieces; price $1/$2 per 1M → ceil((3*1e6 + 6*2e6)/1e6) = 15 micro-USD
    expect(data.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 6, total_tokens: 9, cost: 0.000015 });
    expect(response.headers.get("x-provider-used")).toBe("mock-openai");
    expect(response.headers.get("x-cost-incurred")).toBe("0.000015");
    expect(response.headers.get("x-fallback-count")).toBe("0");
    expect(f.mock.requests.at(-1)!.body).toMatchObject({
      model: "mock-small",
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});
