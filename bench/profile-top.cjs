// Self time by function and by area of a .cpuprofile, only for samples in the last `frac` of its
// duration (skips start-up): node bench/profile-top.cjs <file> [frac=0.5] [rows=30]. See profile-preload.cjs.
const fs = require("fs");
const p = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const frac = Number(process.argv[3] || 0.5);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
let t = p.startTime;
const times = p.timeDeltas.map((d) => (t += d));
const from = p.endTime - (p.endTime - p.startTime) * frac;
const self = new Map(),
  area = new Map();
let total = 0;
p.samples.forEach((id, i) => {
  if (times[i] < from) return;
  total++;
  const f = byId.get(id).callFrame;
  const url = (f.url || "")
    .replace(/^.*node_modules\//, "nm/")
    .replace(/^.*\/work\/main\//, "")
    .replace(/^file:\/\//, "");
  const key = `${f.functionName || "(anon)"} ${url.split("/").slice(-2).join("/")}:${f.lineNumber}`;
  self.set(key, (self.get(key) || 0) + 1);
  const u = f.url || f.functionName;
  const a = u.includes("node_modules/")
    ? "nm:" +
      u
        .split("node_modules/")[1]
        .split("/")
        .slice(0, u.split("node_modules/")[1].startsWith("@") ? 2 : 1)
        .join("/")
    : u.includes("/.next/")
      ? ".next chunks (bundled lib/)"
      : u.startsWith("node:")
        ? "node:" + u.slice(5).split("/")[0]
        : /\/work\/main\//.test(u)
          ? "ours: " +
            u
              .replace(/^.*\/work\/main\//, "")
              .split("/")
              .slice(0, 2)
              .join("/")
          : f.functionName;
  area.set(a, (area.get(a) || 0) + 1);
});
const top = (m, k) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([n, c]) => `${((100 * c) / total).toFixed(1).padStart(5)}%  ${n}`)
    .join("\n");
console.log(
  `samples in window ${total} (${((p.endTime - from) / 1e6).toFixed(1)} s)\n-- top self --\n${top(self, Number(process.argv[4] || 30))}\n-- by area --\n${top(area, 22)}`,
);
