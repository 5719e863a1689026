// Runs once when a Next.js server process starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ db }, { startSweeper }] = await Promise.all([import("./lib/db/client"), import("./lib/ledger/sweeper")]);
  startSweeper(db());
}
