import { createApp, WEBHOOK_PATH } from './app';

// For trying the example on a laptop only. A real deployment takes the secret
// generated in the RocketReach dashboard from its environment.
const DEVELOPMENT_SECRET = 'development-secret-not-for-production';

const secret =
  process.env.ROCKETREACH_WEBHOOK_SECRET?.trim() || DEVELOPMENT_SECRET;
if (secret === DEVELOPMENT_SECRET) {
  console.warn(
    'ROCKETREACH_WEBHOOK_SECRET is not set: using the built-in DEVELOPMENT secret ' +
      `"${DEVELOPMENT_SECRET}". Set the variable to your webhook's secret before real use.`,
  );
}

const port = Number(process.env.PORT ?? 3000);
const server = createApp({ secret, log: console }).listen(port, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  console.log(
    `Receiving RocketReach webhooks on http://localhost:${bound}${WEBHOOK_PATH}`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
