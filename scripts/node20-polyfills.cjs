// prisma-pglite's CLI calls fs.promises.glob, which Node 20 lacks; only dev tooling loads this.
const fsp = require("node:fs").promises;
if (!fsp.glob) {
  fsp.glob = async function* glob(pattern, options = {}) {
    const path = require("node:path");
    const cwd = options.cwd ?? process.cwd();
    const re = new RegExp(
      "^" +
        pattern
          .split("**/")
          .map((p) => p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
          .join("(?:.*/)?") +
        "$",
    );
    async function* walk(dir) {
      for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        const rel = path.relative(cwd, full);
        if (re.test(rel)) yield rel;
        if (entry.isDirectory()) yield* walk(full);
      }
    }
    yield* walk(cwd);
  };
}
