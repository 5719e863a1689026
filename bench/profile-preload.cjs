// CPU profile of every Node process it is preloaded into, written at exit to
// $PROFILE_DIR (default /tmp/prof) as <process title>-<pid>.cpuprofile. Node 20 refuses
// --cpu-prof in NODE_OPTIONS, hence the inspector. For the gateway's server under load:
//   mkdir -p /tmp/prof && NODE_OPTIONS="--require $PWD/bench/profile-preload.cjs" \
//     GATEWAY_BENCH_TARGETS=pg15 GATEWAY_BENCH_MODES=stream npm run bench -- gateway
//   node bench/profile-top.cjs /tmp/prof/switchyard-server-*.cpuprofile 0.3
const inspector = require("node:inspector");
const fs = require("node:fs");
const session = new inspector.Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 500 });
session.post("Profiler.start");
let done = false;
function dump() {
  if (done) return;
  done = true;
  session.post("Profiler.stop", (err, res) => {
    if (err || !res) return;
    const name = (process.title || "node").replace(/[^a-z0-9.-]+/gi, "_");
    fs.writeFileSync(
      `${process.env.PROFILE_DIR || "/tmp/prof"}/${name}-${process.pid}.cpuprofile`,
      JSON.stringify(res.profile),
    );
  });
}
process.on("exit", dump);
for (const sig of ["SIGTERM", "SIGINT"])
  process.prependListener(sig, () => {
    dump();
  });
