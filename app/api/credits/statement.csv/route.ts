import { handler } from "@/lib/http/handler";
import { statementRows } from "@/lib/ledger/statement";
import { csvResponse } from "@/lib/http/csv";

export const GET = handler({ access: "user" }, async ({ db, caller }) =>
  csvResponse(
    "switchyard-statement.csv",
    ["id", "created_at", "type", "amount_usd", "balance_after_usd", "reference"],
    statementRows(db, caller.userId),
  ),
);
