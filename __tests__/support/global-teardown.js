// Stops the Redis server that the global set-up started, if it did.
module.exports = async function globalTeardown() {
  globalThis.startedRedis?.kill();
};
