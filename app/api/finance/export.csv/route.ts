import { handler } from "@/lib/http/handler";
import { parseQuery } from "@/lib/http/body";
import { csvResponse } from "@/lib/http/csv";
import { financeRange } from "@/lib/finance/range";
import { EXPORT_COLUMNS, exportRows, financeExportQuerySchema } from "@/lib/finance/export";

export const GET = handler({ access: "finance" }, async ({ req, db }) => {
  const q = parseQuery(req, financeExportQuerySchema);
  const range = financeRange(q);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return csvResponse(
    `switchyard-${q.kind}-${day(range.from)}-${day(new Date(range.to.getTime() - 1))}.csv`,
    EXPORT_COLUMNS[q.kind],
    exportRows(db, q.kind, range),
  );
});
