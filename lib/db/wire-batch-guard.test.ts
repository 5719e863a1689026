// Two connections to the embedded database whose extended-protocol exchanges overlap: the second
// one's Parse arrives between the first one's Parse and Bind. Driven at the wire level because
// `pg` rarely produces that order on an idle machine; two busy app processes did, in CI.
import { connect, type Socket } from "node:net";
import { serialize } from "pg-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbedded, type EmbeddedServer } from "./embedded.ts";

let server: EmbeddedServer;
beforeAll(async () => {
  server = await startEmbedded(null);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** A raw wire-protocol session that collects the server's messages by type. */
class Session {
  private buf = Buffer.alloc(0);
  readonly messages: { type: string; body: Buffer }[] = [];
  private waiters: (() => void)[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 5) {
        const len = this.buf.readInt32BE(1);
        if (this.buf.length < 1 + len) break;
        this.messages.push({ type: String.fromCharCode(this.buf[0]!), body: this.buf.subarray(5, 1 + len) });
        this.buf = this.buf.subarray(1 + len);
      }
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(url: string): Promise<Session> {
    const u = new URL(url);
    const socket = connect(Number(u.port), u.hostname);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const s = new Session(socket);
    s.send(serialize.startup({ user: "postgres", database: "postgres" }));
    await s.until("Z");
    return s;
  }

  send(...messages: Buffer[]): void {
    this.socket.write(Buffer.concat(messages));
  }

  /** Waits for the next message of `type` after those already seen; returns its index. */
  async until(type: string, from = 0, timeoutMs = 5_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.messages.findIndex((m, k) => k >= from && m.type === type);
      if (i >= 0) return i;
      if (Date.now() > deadline) throw new Error(`no '${type}' within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** The first column of the data rows received since message `from`. */
  values(from: number): string[] {
    return this.messages
      .slice(from)
      .filter((m) => m.type === "D")
      .map((m) => {
        const len = m.body.readInt32BE(2);
        return m.body.subarray(6, 6 + len).toString("utf8");
      });
  }

  error(from: number): string | undefined {
    const e = this.messages.slice(from).find((m) => m.type === "E");
    return e?.body
      .toString("utf8")
      .split("\0")
      .find((f) => f.startsWith("M"))
      ?.slice(1);
  }

  close(): void {
    this.socket.destroy();
  }
}

const tcpUrl = (s: EmbeddedServer) => `postgresql://${new URL(s.url).host}`;

describe("the embedded database keeps each connection's extended-protocol exchange whole", () => {
  it("a second connection's Parse between the first one's Parse and Bind waits; each gets its own statement's rows", async () => {
    const a = await Session.open(tcpUrl(server));
    const b = await Session.open(tcpUrl(server));
    try {
      const aStart = a.messages.length;
      a.send(serialize.parse({ text: "SELECT 'from a ' || $1::text" }), serialize.flush());
      await a.until("1", aStart); // ParseComplete: a's unnamed statement exists

      const bStart = b.messages.length;
      b.send(
        serialize.parse({ text: "SELECT 'from b ' || $1::text" }),
        serialize.bind({ values: ["2"] }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      );
      // b's exchange may not run inside a's: nothing of it has come back yet.
      await new Promise((r) => setTimeout(r, 200));
      expect(b.messages.slice(bStart).map((m) => m.type)).toEqual([]);

      a.send(
        serialize.bind({ values: ["1"] }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      );
      await a.until("Z", aStart);
      expect(a.error(aStart)).toBeUndefined();
      expect(a.values(aStart)).toEqual(["from a 1"]);

      await b.until("Z", bStart);
      expect(b.error(bStart)).toBeUndefined();
      expect(b.values(bStart)).toEqual(["from b 2"]);
    } finally {
      a.close();
      b.close();
    }
  });

  it("a connection that dies mid-exchange does not stall the others", async () => {
    const a = await Session.open(tcpUrl(server));
    const b = await Session.open(tcpUrl(server));
    try {
      const aStart = a.messages.length;
      a.send(serialize.parse({ text: "SELECT 1" }), serialize.flush());
      await a.until("1", aStart);
      a.close(); // gone between Parse and Sync

      const bStart = b.messages.length;
      b.send(
        serialize.parse({ text: "SELECT 'b alone'" }),
        serialize.bind({}),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      );
      await b.until("Z", bStart);
      expect(b.values(bStart)).toEqual(["b alone"]);
    } finally {
      b.close();
    }
  });
});
