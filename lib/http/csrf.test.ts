import { describe, expect, it } from "vitest";
import { crossSiteRefusal, nonJsonBodyRefusal } from "./csrf";

const APP = "http://localhost:3000";
const h = (init: Record<string, string>) => new Headers(init);

describe("crossSiteRefusal, for a request signed in by the session cookie (strict)", () => {
  const refusal = (method: string, headers: Record<string, string>) => crossSiteRefusal(method, h(headers), APP, true);

  it("lets our own pages write: Origin equal to the app's origin, or Sec-Fetch-Site: same-origin without one", () => {
    expect(refusal("POST", { origin: "http://localhost:3000" })).toBeNull();
    expect(refusal("DELETE", { origin: "http://LOCALHOST:3000" })).toBeNull();
    expect(refusal("PATCH", { "sec-fetch-site": "same-origin" })).toBeNull();
    expect(refusal("PUT", { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" })).toBeNull();
  });

  it("refuses a write from another origin, naming both origins", () => {
    expect(refusal("POST", { origin: "http://evil.example" })).toMatch(
      /Origin http:\/\/evil\.example is not this app's origin \(http:\/\/localhost:3000\)/,
    );
    // Same host, other scheme or port: another origin.
    expect(refusal("POST", { origin: "https://localhost:3000" })).not.toBeNull();
    expect(refusal("POST", { origin: "http://localhost:3001" })).not.toBeNull();
    expect(refusal("POST", { origin: "http://localhost:3000.evil.example" })).not.toBeNull();
    // Sandboxed frames and some redirects send "null".
    expect(refusal("POST", { origin: "null" })).not.toBeNull();
    expect(refusal("POST", { origin: "not a url" })).not.toBeNull();
    // A matching Sec-Fetch-Site does not rescue a foreign Origin.
    expect(refusal("POST", { origin: "http://evil.example", "sec-fetch-site": "same-origin" })).not.toBeNull();
  });

  it("refuses a write with neither header, and one whose Sec-Fetch-Site is not same-origin", () => {
    expect(refusal("POST", {})).toMatch(/must carry an Origin header/);
    expect(refusal("POST", { "sec-fetch-site": "same-site" })).toMatch(/Sec-Fetch-Site: same-site/);
    expect(refusal("POST", { "sec-fetch-site": "cross-site" })).not.toBeNull();
    expect(refusal("POST", { "sec-fetch-site": "none" })).not.toBeNull();
  });

  it("never stands in the way of reads", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"])
      expect(refusal(method, { origin: "http://evil.example" })).toBeNull();
  });
});

describe("crossSiteRefusal, for a request nobody is signed in to (sign-up, setup)", () => {
  const refusal = (headers: Record<string, string>) => crossSiteRefusal("POST", h(headers), APP, false);

  it("accepts scripts that send no browser headers, and our own pages", () => {
    expect(refusal({})).toBeNull();
    expect(refusal({ "sec-fetch-site": "none" })).toBeNull();
    expect(refusal({ origin: APP })).toBeNull();
  });

  it("refuses what a browser says comes from another site", () => {
    expect(refusal({ origin: "http://evil.example" })).not.toBeNull();
    expect(refusal({ "sec-fetch-site": "cross-site" })).not.toBeNull();
  });
});

describe("nonJsonBodyRefusal", () => {
  const refusal = (method: string, headers: Record<string, string>) => nonJsonBodyRefusal(method, h(headers));

  it("accepts JSON bodies and writes without a body", () => {
    expect(refusal("POST", { "content-type": "application/json" })).toBeNull();
    expect(refusal("POST", { "content-type": "Application/JSON; charset=utf-8" })).toBeNull();
    expect(refusal("PATCH", { "content-type": "application/merge-patch+json" })).toBeNull();
    expect(refusal("DELETE", {})).toBeNull();
    expect(refusal("DELETE", { "content-length": "0" })).toBeNull();
  });

  it("refuses the bodies a cross-site page can send without a preflight", () => {
    expect(refusal("POST", { "content-type": "text/plain" })).toMatch(/must be JSON.*not text\/plain/);
    expect(refusal("POST", { "content-type": "text/plain;charset=UTF-8" })).not.toBeNull();
    expect(refusal("POST", { "content-type": "application/x-www-form-urlencoded" })).not.toBeNull();
    expect(refusal("PUT", { "content-type": "multipart/form-data; boundary=x" })).not.toBeNull();
    // fetch(…, { mode: "no-cors", body: new Blob([json]) }) sends no type at all.
    expect(refusal("POST", { "content-length": "42" })).toMatch(/must be JSON/);
    expect(refusal("POST", { "transfer-encoding": "chunked" })).not.toBeNull();
  });

  it("ignores reads", () => {
    expect(refusal("GET", { "content-type": "text/plain" })).toBeNull();
  });
});
