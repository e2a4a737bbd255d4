import type { Message, TopicMessages } from 'kafkajs';
import type { Outbound } from '../delivery.port';
import { agencyTopics } from './kafka-topics';

/** `content-type` of an events-topic record: a whole CloudEvent in structured mode. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/**
 * An events-topic record in the CloudEvents Kafka binding's *structured* mode: the value is the
 * whole signed CloudEvent as JSON, so an agency verifies the signature over exactly what it
 * received, with no reassembly from headers. The binary-mode `ce_*` headers the binding allows
 * beside a structured value are set too (`ce_id`, `ce_type`, `ce_subject`, ...), so consumers can
 * route and dedupe without parsing the value; the value is authoritative.
 */
export function eventRecord(outbound: Outbound): Message {
  const m = outbound.message;
  return {
    key: outbound.key,
    value: JSON.stringify(m),
    headers: {
      'content-type': CLOUDEVENTS_JSON,
      ce_specversion: m.specversion,
      ce_id: m.id,
      ce_source: m.source,
      ce_type: m.type,
      ce_subject: m.subject,
      ce_time: m.time,
    },
  };
}

/**
 * A people-topic record: the person's current filtered summary as JSON, or a tombstone (null
 * value) when the basis for holding it ended. `onestop_cause` names the message that changed it
 * and `onestop_sequence` its position, so a consumer can tell which summary is newer.
 */
export function summaryRecord(outbound: Outbound): Message | undefined {
  if (outbound.summary === undefined) return undefined;
  const headers: Record<string, string> = {
    ce_subject: outbound.key,
    onestop_cause: outbound.message.id,
    onestop_sequence: outbound.message.sequence,
  };
  if (outbound.summary === null) return { key: outbound.key, value: null, headers };
  return { key: outbound.key, value: JSON.stringify(outbound.summary), headers: { 'content-type': 'application/json', ...headers } };
}

/** The batch as one request's worth of records per topic, each topic's records in batch order. */
export function topicMessagesOf(batch: readonly Outbound[], prefix: string): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  const add = (topic: string, record: Message): void => {
    const list = byTopic.get(topic);
    if (list) list.push(record);
    else byTopic.set(topic, [record]);
  };
  for (const outbound of batch) {
    const topics = agencyTopics(prefix, outbound.agencyId);
    add(topics.events, eventRecord(outbound));
    const summary = summaryRecord(outbound);
    if (summary) add(topics.people, summary);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
