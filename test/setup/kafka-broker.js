/**
 * The Kafka broker of the test run, for jest's globalSetup / globalTeardown (both run in jest's main
 * process, and what globalSetup puts in process.env reaches the test workers).
 *
 * - KAFKA_BROKERS already set: that broker is used, and never stopped here.
 * - else, with java and mvn on PATH: `bash docker/kafka/kafka.sh up` starts the local broker (or finds
 *   it already running), and KAFKA_BROKERS is set to it. releaseKafka stops it only if this run
 *   started it: a broker that was up before (a developer's, or one CI started) is left running.
 * - else in CI (CI=true): an error, since the Kafka-backed tests must run there.
 * - else: a warning; KAFKA_BROKERS stays unset and the Kafka-backed tests report as not run.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'docker', 'kafka', 'kafka.sh');
/** Set while this process owns the broker it started; cleared by releaseKafka. */
const STARTED_FLAG = 'ONESTOP_TEST_KAFKA_STARTED';

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function kafkaSh(command, stdio = 'inherit') {
  return spawnSync('bash', [SCRIPT, command], { cwd: ROOT, stdio, env: process.env });
}

async function ensureKafka() {
  if (process.env.KAFKA_BROKERS) return; // given by the caller, or set by an earlier globalSetup of this run

  if (onPath('java') && onPath('mvn')) {
    const wasRunning = kafkaSh('status', 'ignore').status === 0;
    // Throws (with kafka.sh's own message above it) when the broker does not come up.
    execFileSync('bash', [SCRIPT, 'up'], { cwd: ROOT, stdio: 'inherit', env: process.env });
    if (!wasRunning) process.env[STARTED_FLAG] = '1';
    process.env.KAFKA_BROKERS = `127.0.0.1:${process.env.KAFKA_PORT || 9092}`;
    return;
  }

  if (process.env.CI === 'true') {
    throw new Error(
      'The Kafka broker is required in CI: set KAFKA_BROKERS, or put java (17+) and mvn on PATH ' +
        'so that docker/kafka/kafka.sh can start the local broker.',
    );
  }
  if (process.env.ONESTOP_TEST_KAFKA_WARNED) return; // once per run, not once per jest project
  process.env.ONESTOP_TEST_KAFKA_WARNED = '1';
  console.warn(
    '\n[kafka] No Kafka broker: KAFKA_BROKERS is unset and java/mvn are not both on PATH, so the ' +
      'Kafka-backed tests will report as not run. Install Java 17+ and Maven (docker/kafka/kafka.sh ' +
      'then runs a local broker), or point KAFKA_BROKERS at a broker.\n',
  );
}

async function releaseKafka() {
  if (process.env[STARTED_FLAG] !== '1') return; // not ours, or already stopped by an earlier teardown
  delete process.env[STARTED_FLAG];
  const res = kafkaSh('down');
  delete process.env.KAFKA_BROKERS;
  if (res.status !== 0) console.warn(`[kafka] kafka.sh down exited with ${res.status}`);
}

module.exports = { ensureKafka, releaseKafka };
