import { describe, expect, it } from "vitest";
import { CircuitBreakers } from "./circuit-breaker";

function setup() {
  let t = 0;
  const b = new CircuitBreakers({ failureThreshold: 3, cooldownMs: 1000, window: 10 }, () => t);
  return { b, advance: (ms: number) => (t += ms) };
}

describe("circuit breaker", () => {
  it("opens after consecutive failures, not after scattered ones", () => {
    const { b } = setup();
    b.failure("p", "503");
    b.failure("p", "503");
    b.success("p", 100);
    b.failure("p", "503");
    expect(b.isOpen("p")).toBe(false);
    b.failure("p", "503");
    b.failure("p", "503");
    expect(b.isOpen("p")).toBe(true);
    expect(b.state("p")).toBe("open");
  });

  it("lets exactly one trial through after the cooldown; success closes it", () => {
    const { b, advance } = setup();
    for (let i = 0; i < 3; i++) b.failure("p", "timeout");
    advance(1000);
    expect(b.state("p")).toBe("half-open");
    expect(b.isOpen("p")).toBe(false);
    b.begin("p");
    expect(b.isOpen("p")).toBe(true);
    b.success("p", 50);
    expect(b.state("p")).toBe("closed");
  });

  it("re-opens when the trial fails", () => {
    const { b, advance } = setup();
    for (let i = 0; i < 3; i++) b.failure("p", "x");
    advance(1000);
    b.begin("p");
    b.failure("p", "still down");
    expect(b.state("p")).toBe("open");
    expect(b.stats("p").lastError).toBe("still down");
  });

  it("forgets a provider an admin reset", () => {
    const { b } = setup();
    for (let i = 0; i < 3; i++) b.failure("p", "bad key");
    b.reset("p");
    expect(b.state("p")).toBe("closed");
    expect(b.stats("p")).toEqual({ lastError: null });
  });

  it("reports success rate and median latency over the window", () => {
    const { b } = setup();
    [100, 300, 200].forEach((ms) => b.success("p", ms));
    b.failure("p", "x");
    expect(b.stats("p")).toMatchObject({ successRate: 0.75, p50LatencyMs: 200 });
    expect(b.stats("unknown")).toEqual({ lastError: null });
  });
});
