import { stringify } from "csv-stringify";
import { Readable } from "node:stream";

/**
 * A CSV download streamed row by row (csv-stringify does the quoting), so exports of any size
 * never sit in memory whole. Formula-looking cells are prefixed with ' against CSV injection in
 * spreadsheets.
 */
export function csvResponse(
  filename: string,
  columns: string[],
  rows: AsyncIterable<Record<string, unknown>>,
): Response {
  const guard = (v: unknown) => (typeof v === "string" && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  const source = Readable.from(
    (async function* () {
      for await (const row of rows) yield Object.fromEntries(columns.map((c) => [c, guard(row[c])]));
    })(),
  );
  const csv = source.pipe(
    stringify({
      header: true,
      columns,
      cast: { boolean: (v) => (v ? "true" : "false"), date: (d) => d.toISOString() },
    }),
  );
  return new Response(Readable.toWeb(csv) as ReadableStream, {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"` },
  });
}
