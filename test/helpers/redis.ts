// Redis for the BullMQ tests: a private redis-server per test file (scripts/lib/redis-server.ts) on a free
// 127.0.0.1 port, so a fault test may kill or restart it. A missing binary fails the test with the
// install command (test/setup/debian-packages.ts installs it when the suite runs as root).
export { freePort, redisServerBinary, startRedisServer, type RedisServer } from '../../scripts/lib/redis-server.ts';
