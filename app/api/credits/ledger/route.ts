import { handler } from "@/lib/http/handler";
import { parseQuery } from "@/lib/http/body";
import { statement, statementQuerySchema } from "@/lib/ledger/statement";

export const GET = handler({ access: "user" }, async ({ req, db, caller }) =>
  statement(db, caller.userId, parseQuery(req, statementQuerySchema)),
);
