import { describe, expect, it } from "vitest";
import { REDACTED, scrubSecrets } from "./scrub.ts";

describe("scrubSecrets: the key used for the call", () => {
  it("removes it even when it does not look like a key", () => {
    expect(scrubSecrets("Incorrect API key provided: upstream-secret. Check it.", ["upstream-secret"])).toBe(
      `Incorrect API key provided: ${REDACTED}. Check it.`,
    );
    expect(
      scrubSecrets("key upstream-secret rejected, upstream-secret again", [null, "upstream-secret", undefined]),
    ).toBe(`key ${REDACTED} rejected, ${REDACTED} again`);
  });

  it("removes pieces of it: truncated echoes and the visible ends of masked ones", () => {
    const key = "my-own-key-7f3a9c21e0";
    expect(scrubSecrets("got my-own-key-7f3a9", [key])).toBe(`got ${REDACTED}`);
    expect(scrubSecrets("got key-7f3a9c21e0 instead", [key])).toBe(`got ${REDACTED} instead`);
    // a short piece is no key, and ordinary words survive
    expect(scrubSecrets("my own key was rejected", [key])).toBe("my own key was rejected");
  });

  it("removes it URL-encoded and JSON-escaped", () => {
    const key = 'pa$s/word+"quoted"=42';
    const json = 'pa$s/word+\\"quoted\\"=42';
    const text = `url ?q=${encodeURIComponent(key)} body {"k":"${json}"} php {"k":"${json.replace("/", "\\/")}"}`;
    expect(scrubSecrets(text, [key])).toBe(`url ?q=${REDACTED} body {"k":"${REDACTED}"} php {"k":"${REDACTED}"}`);
  });

  it("ignores absent and absurdly short known secrets rather than shredding the text", () => {
    expect(scrubSecrets("a bad request", ["a", "", null])).toBe("a bad request");
  });
});

describe("scrubSecrets: anything that looks like a credential", () => {
  const cases: [string, string][] = [
    ["Incorrect API key provided: sk-proj-AbCdEf0123456789xyz.", `Incorrect API key provided: ${REDACTED}.`],
    ["invalid x-api-key sk-ant-api03-AbCdEf0123456789-xyz", `invalid x-api-key ${REDACTED}`],
    ["gateway key sk-sy-0123456789abcdef is revoked", `gateway key ${REDACTED} is revoked`],
    [
      "Incorrect API key provided: sk-abc1********************wxyz. You can find",
      `Incorrect API key provided: ${REDACTED}. You can find`,
    ],
    ["Authorization: Bearer upstream-secret was refused", `Authorization: Bearer ${REDACTED} was refused`],
    ["header authorization=Basic dXNlcjpwYXNzd29yZA== bad", `header authorization=Basic ${REDACTED} bad`],
    ["x-api-key: upstream-secret", `x-api-key: ${REDACTED}`],
    ["env OPENAI_API_KEY=plainvalue set", `env OPENAI_API_KEY=${REDACTED} set`],
    [
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      `You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer ${REDACTED}).`,
    ],
    ['{"api_key": "upstream-secret"}', `{"api_key": "${REDACTED}"}`],
    ["GET /v1/models?api_key=abc123&page=2", `GET /v1/models?api_key=${REDACTED}&page=2`],
    [
      "fetch https://generativelanguage.googleapis.com/v1/models?key=whatever failed",
      `fetch https://generativelanguage.googleapis.com/v1/models?key=${REDACTED} failed`,
    ],
    ["aws AKIAIOSFODNN7EXAMPLE denied", `aws ${REDACTED} denied`],
    ["token 0123456789abcdef0123456789abcdef0123 expired", `token ${REDACTED} expired`],
    ["secret Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5 leaked", `secret ${REDACTED} leaked`],
    ["secret 3q2-7_Ab9XkLmN0pQrStUvWxYz_12345678 leaked", `secret ${REDACTED} leaked`],
    [
      "Request cannot be constructed from a URL that includes credentials: http://user:pa55word@10.0.0.1:9/v1/chat/completions",
      `Request cannot be constructed from a URL that includes credentials: http://${REDACTED}@10.0.0.1:9/v1/chat/completions`,
    ],
  ];
  for (const [text, expected] of cases) {
    it(`scrubs ${JSON.stringify(text)}`, () => expect(scrubSecrets(text)).toBe(expected));
  }
});

describe("scrubSecrets: ordinary error text survives", () => {
  const kept = [
    "The model `gpt-4o-mini-2024-07-18` does not exist or you do not have access to it.",
    "model: claude-3-5-sonnet-20241022",
    "accounts/fireworks/models/llama-v3p1-405b-instruct is not available",
    "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo and mistralai/Mixtral-8x7B-Instruct-v0.1 are overloaded",
    "request id 123e4567-e89b-12d3-a456-426614174000",
    "req-123e4567-e89b-12d3-a456-426614174000-retry failed",
    "This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens.",
    "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
    "Rate limit reached for gpt-4o in organization org-abc123 on tokens per min (TPM): Limit 30000, Used 29000.",
    "You can find your API key at https://platform.openai.com/account/api-keys.",
    "Bearer authentication is required",
    "please use sk-learn instead",
    "/home/runner/work/switchyard/node_modules/undici/lib/fetch.js",
    "upstream unreachable (ECONNREFUSED)",
    "**important** ****",
  ];
  for (const text of kept) {
    it(`keeps ${JSON.stringify(text)}`, () => expect(scrubSecrets(text, ["upstream-secret"])).toBe(text));
  }

  it("is idempotent", () => {
    const once = scrubSecrets("Authorization: Bearer sk-proj-AbCdEf0123456789xyz, key upstream-secret", [
      "upstream-secret",
    ]);
    expect(scrubSecrets(once, ["upstream-secret"])).toBe(once);
    expect(once).toBe(`Authorization: Bearer ${REDACTED}, key ${REDACTED}`);
  });
});
