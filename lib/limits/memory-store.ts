import { WINDOW_MS, type RateStore, type WindowState } from "./windows.ts";

type Window = { startedAt: number; requests: number; tokens: number };

const MAX_SUBJECTS = 100_000;

/** The embedded database's store: one process serves it, so process memory is the whole truth. */
export class MemoryRateStore implements RateStore {
  readonly shared = false;
  private readonly windows = new Map<string, Window>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(subjects: readonly string[], counts: readonly number[]): Promise<WindowState[]> {
    const now = this.now();
    return subjects.map((subject, i) => {
      let w = this.windows.get(subject);
      if (!w || now - w.startedAt >= WINDOW_MS) {
        if (!w && this.windows.size >= MAX_SUBJECTS) this.prune(now);
        w = { startedAt: now, requests: 0, tokens: 0 };
        this.windows.set(subject, w);
      }
      w.requests += counts[i] ?? 1;
      return { subject, requests: w.requests, tokens: w.tokens, msLeft: w.startedAt + WINDOW_MS - now };
    });
  }

  async addTokens(subjects: readonly string[], tokens: number): Promise<void> {
    const now = this.now();
    for (const subject of subjects) {
      const w = this.windows.get(subject);
      if (w && now - w.startedAt < WINDOW_MS) w.tokens += tokens;
    }
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.startedAt >= WINDOW_MS) this.windows.delete(k);
  }
}
