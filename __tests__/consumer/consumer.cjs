// A CommonJS user of the installed package.
const main = require('rocketreach-webhooks');
const testing = require('rocketreach-webhooks/testing');
const web = require('rocketreach-webhooks/web');

const { body, headers } = testing.signedDelivery(testing.buildProfile(), {
  secret: 's',
});
console.log(
  JSON.stringify({
    middleware: typeof main.rocketreachWebhook({ secret: 's' }),
    verified: main.verifySignature(
      's',
      body,
      headers['x-rocketreach-signature'],
    ),
    handler: typeof web.createWebhookHandler({ secret: 's' }),
  }),
);
