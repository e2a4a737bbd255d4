export * from './delivery-contract';
export * from './delivery-assertions';
export * from './test-messages';
export * from './local-kafka-broker';
export * from './kafka-topic-reader';
