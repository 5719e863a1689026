// Preloaded into the Next.js server that `npm start` spawns: when the launcher dies (even by
// SIGKILL) the IPC channel closes and this process exits too, so no orphan keeps the port open.
if (typeof process.send === "function") {
  process.on("disconnect", () => process.exit(0));
}
