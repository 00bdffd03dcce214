// Preloaded into every server the bench starts (`node --import`): if the bench process dies
// without stopping it (a killed test worker), the server notices it was re-parented and stops.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 500).unref();
