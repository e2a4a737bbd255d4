/** Starts the shared test services (the local Kafka broker) once for the run. */
module.exports = async () => {
  const { ensureKafka } = require('./kafka-broker');
  await ensureKafka();
};
