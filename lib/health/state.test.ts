import { describe, expect, it } from "vitest";
import { availabilityTone, bySeverity, healthState, severityRank, STATE_WORDS, type StateInputs } from "./state";

const up: StateInputs = { enabled: true, check: "ok", circuit: "closed", successRate: null };
const state = (over: Partial<StateInputs>) => healthState({ ...up, ...over });

describe("the provider state rule", () => {
  it("turns on the success rate at exactly 0.95 and 0.5", () => {
    expect(state({ successRate: 1 })).toBe("healthy");
    expect(state({ successRate: 0.95 })).toBe("healthy");
    expect(state({ successRate: 0.9499 })).toBe("degraded");
    expect(state({ successRate: 0.5 })).toBe("degraded");
    expect(state({ successRate: 0.4999 })).toBe("down");
    expect(state({ successRate: 0 })).toBe("down");
  });

  it("without calls, the last check decides: passed is healthy, none yet is no data", () => {
    expect(state({ successRate: null, check: "ok" })).toBe("healthy");
    expect(state({ successRate: null, check: null })).toBe("unknown");
  });

  it("a failed check is down whatever traffic says", () => {
    expect(state({ check: "failed", successRate: null })).toBe("down");
    expect(state({ check: "failed", successRate: 1 })).toBe("down");
  });

  it("an open circuit outranks the check and traffic; half-open lets traffic decide", () => {
    expect(state({ circuit: "open", successRate: 1 })).toBe("circuit_open");
    expect(state({ circuit: "open", check: "failed" })).toBe("circuit_open");
    expect(state({ circuit: "half-open", successRate: 1 })).toBe("healthy");
    expect(state({ circuit: "half-open", successRate: 0.2 })).toBe("down");
  });

  it("unconfigured outranks the circuit; disabled outranks everything", () => {
    expect(state({ check: "unconfigured", circuit: "open", successRate: 0 })).toBe("unconfigured");
    expect(state({ enabled: false, check: "unconfigured", circuit: "open", successRate: 0 })).toBe("disabled");
    expect(state({ enabled: false, successRate: 1 })).toBe("disabled");
  });

  it("has words for every state, the thresholds written as the rule uses them", () => {
    expect(STATE_WORDS.degraded.meaning).toContain("50% to 95%");
    expect(STATE_WORDS.circuit_open.label).toBe("circuit open");
  });
});

describe("severity", () => {
  it("puts down and circuit open first, then degraded, keeping the given order within each", () => {
    const cards = [
      { id: "a", s: "healthy" },
      { id: "b", s: "degraded" },
      { id: "c", s: "circuit_open" },
      { id: "d", s: "disabled" },
      { id: "e", s: "down" },
      { id: "f", s: undefined },
      { id: "g", s: "degraded" },
    ] as const;
    expect(bySeverity(cards, (c) => c.s).map((c) => c.id)).toEqual(["c", "e", "b", "g", "a", "d", "f"]);
    expect(severityRank("unconfigured")).toBe(2);
  });

  it("colours an hour by the same thresholds, and an hour without calls not at all", () => {
    expect(availabilityTone(0, 0)).toBeNull();
    expect(availabilityTone(100, 95)).toBe("good");
    expect(availabilityTone(100, 94)).toBe("degraded");
    expect(availabilityTone(100, 50)).toBe("degraded");
    expect(availabilityTone(100, 49)).toBe("bad");
  });
});
