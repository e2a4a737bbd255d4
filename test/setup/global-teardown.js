module.exports = async () => {
  const { releaseKafka } = require('./kafka-broker');
  await releaseKafka();
};
