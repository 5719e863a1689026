import type { PGlite } from "@electric-sql/pglite";

/**
 * pglite-socket (0.2.x) feeds PGlite one wire message at a time from a queue shared by every
 * connection. It keeps a connection's messages together only inside an explicit BEGIN block
 * (`isInTransaction()`); an extended-protocol exchange outside one (Parse, Bind, Describe,
 * Execute, Sync: every parameterised query `pg` sends) can be split by another connection's
 * Parse, which replaces the unnamed statement the first one is about to Bind. The symptom is
 * "unnamed prepared statement does not exist", or worse, a Bind onto the other connection's
 * statement. It bit a two-process test in CI.
 *
 * The queue already knows how to wait for one connection: it asks `isInTransaction()` after each
 * message and, while that is true, takes only the last connection's messages. So the database
 * handed to the socket server answers true also between a connection's first extended-protocol
 * message and its Sync. The queue's own cleanup for a connection that drops mid-transaction
 * (a ROLLBACK through `exec`) ends the batch too, so a client killed mid-exchange frees the rest.
 */
export function guardWireBatches(db: PGlite): PGlite {
  let midBatch = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "isInTransaction") return () => midBatch || target.isInTransaction();
      if (prop === "execProtocolRawStream") {
        return (message: Uint8Array, opts: Parameters<PGlite["execProtocolRawStream"]>[1]) => {
          midBatch = continuesBatch(message[0]!);
          return target.execProtocolRawStream(message, opts);
        };
      }
      if (prop === "exec") {
        return (query: string) => {
          midBatch = false;
          return target.exec(query);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      // PGlite's methods use private fields: call them on the real instance, not the proxy.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

// Message types that leave the connection's exchange unfinished. Sync ('S') ends one; a simple
// Query ('Q'), Terminate ('X') and the untyped startup packets (first byte 0) stand alone.
const BATCH_MESSAGES = new Set(["P", "B", "D", "E", "C", "H"].map((c) => c.charCodeAt(0)));

function continuesBatch(type: number): boolean {
  return BATCH_MESSAGES.has(type);
}
