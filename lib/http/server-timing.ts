/**
 * Server-Timing (W3C): what the gateway spent on a request before its first byte, so a caller can
 * see what Switchyard added to their request (browsers show it in the network panel). For a stream
 * the header leaves with the first byte, so `total` is the time to first byte.
 */
export class ServerTiming {
  private readonly started = performance.now();
  private last = this.started;
  private readonly entries: [string, number][] = [];

  /** Records the time since the previous mark (or the start) under `name`. */
  mark(name: string): void {
    const now = performance.now();
    this.entries.push([name, now - this.last]);
    this.last = now;
  }

  header(): string {
    const parts = this.entries.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`);
    parts.push(`total;dur=${(performance.now() - this.started).toFixed(1)}`);
    return parts.join(", ");
  }
}
