import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import type { RateStore, WindowState } from "./windows.ts";

/**
 * Every app process's windows in one UNLOGGED table: each request is one upsert per subject, in
 * one statement (the row lock serializes one subject's requests, so N processes cannot count the
 * same slot twice). Times come from the database's clock, the one clock all processes share.
 */
export class PgRateStore implements RateStore {
  constructor(private readonly db: Db) {}

  async hit(subjects: readonly string[]): Promise<WindowState[]> {
    const rows = await sqlRows<{ subject: string; requests: number; tokens: string; ms_left: string }>(
      this.db,
      "sy_rate_hit",
      `INSERT INTO rate_windows AS w (subject, started_at, requests, tokens)
       SELECT s, localtimestamp, 1, 0 FROM unnest($1::text[]) AS s
       ON CONFLICT (subject) DO UPDATE SET
         started_at = CASE WHEN w.started_at <= localtimestamp - interval '60 seconds' THEN localtimestamp ELSE w.started_at END,
         requests = CASE WHEN w.started_at <= localtimestamp - interval '60 seconds' THEN 1 ELSE w.requests + 1 END,
         tokens = CASE WHEN w.started_at <= localtimestamp - interval '60 seconds' THEN 0 ELSE w.tokens END
       RETURNING subject, requests, tokens, ceil(extract(epoch FROM (started_at + interval '60 seconds' - localtimestamp)) * 1000) AS ms_left`,
      [subjects],
    );
    return rows.map((r) => ({ subject: r.subject, requests: r.requests, tokens: Number(r.tokens), msLeft: Number(r.ms_left) }));
  }

  async addTokens(subjects: readonly string[], tokens: number): Promise<void> {
    await sqlRows(
      this.db,
      "sy_rate_tokens",
      `UPDATE rate_windows SET tokens = tokens + $2::int8 WHERE subject = ANY($1::text[]) AND started_at > localtimestamp - interval '60 seconds'`,
      [subjects, tokens],
    );
  }
}
