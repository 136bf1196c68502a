// One benchmark server in its own process, so that only the server being
// measured uses the CPU. Prints "listening <port>" when ready and answers
// "memory" messages with its memory figures.
import { makeApp } from './servers.mjs';

const [kind, secret, limit] = process.argv.slice(2);
const app = makeApp(kind, secret, limit ? Number(limit) : undefined);
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ listening: server.address().port });
});

process.on('message', (message) => {
  if (message === 'memory') {
    globalThis.gc?.();
    process.send?.({
      memory: process.memoryUsage(),
      maxRssKb: process.resourceUsage().maxRSS,
    });
  }
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpu: user + system });
  }
  if (message === 'stop') server.close(() => process.exit(0));
});
