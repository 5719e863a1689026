import { handler } from "@/lib/http/handler";
import { purchaseStatus } from "@/lib/ledger/statement";

// The success page polls this until the webhook has credited the session.
export const GET = handler<{ sessionId: string }>({ access: "user" }, async ({ db, caller, params }) =>
  purchaseStatus(db, caller.userId, params.sessionId),
);
