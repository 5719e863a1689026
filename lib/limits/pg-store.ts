import type { Db } from "../db/client.ts";
import { sqlRows } from "../db/sql.ts";
import type { RateStore, WindowState } from "./windows.ts";

/** A window row as pg returns it (int8 as text). */
type RateRow = { subject: string; requests: number; tokens: string; ms_left: string };

/**
 * Every app process's windows in one UNLOGGED table: one upsert adds each subject's count, in one
 * statement (the row lock serializes one subject's counts, so N processes cannot take the same
 * slot twice). Times come from the database's clock, the one clock all processes share.
 */
export class PgRateStore implements RateStore {
  readonly shared = true;

  constructor(private readonly db: Db) {}

  async hit(subjects: readonly string[], counts: readonly number[]): Promise<WindowState[]> {
    const rows = await sqlRows<RateRow>(
      this.db,
      "sy_rate_hit",
      `INSERT INTO rate_windows AS w (subject, started_at, requests, tokens)
       SELECT s, localtimestamp, n, 0 FROM unnest($1::text[], $2::int4[]) AS x(s, n)
       ON CONFLICT (subject) DO UPDATE SET
         started_at = CASE WHEN w.started_at <= localtimestamp - interval '60 seconds' THEN localtimestamp ELSE w.started_at END,
         requests = CASE WHEN w.started_at <= localtimestamp - interval '60 seconds' THEN EXCLUDED.requests ELSE w.requests + EXCLUDED.requests END,
         tokens = CASE WHEN w.started_at <= localtimestamp - interval '60 seconds' THEN 0 ELSE w.tokens END
       RETURNING subject, requests, tokens, ceil(extract(epoch FROM (started_at + interval '60 seconds' - localtimestamp)) * 1000)::int8 AS ms_left`,
      [subjects, counts],
    );
    return rows.map((r) => ({
      subject: r.subject,
      requests: r.requests,
      tokens: Number(r.tokens),
      msLeft: Number(r.ms_left),
    }));
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
