import { handler } from "@/lib/http/handler";
import { creditsSummary } from "@/lib/ledger/statement";

export const GET = handler({ access: "user" }, async ({ db, caller }) => creditsSummary(db, caller.userId));
