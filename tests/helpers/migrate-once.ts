// One app start's migration step, as its own OS process: prints {"applied": [...]} as JSON.
// Usage: node --import tsx tests/helpers/migrate-once.ts <database url> <migrations dir>
import { migrate } from "../../lib/db/migrate.ts";

const [url, dir] = process.argv.slice(2);
if (!url || !dir) {
  console.error("usage: migrate-once.ts <database url> <migrations dir>");
  process.exit(2);
}
const result = await migrate(url, dir);
process.stdout.write(JSON.stringify(result) + "\n");
