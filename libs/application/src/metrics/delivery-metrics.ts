import type { Database } from 'better-sqlite3';
import { publisherTablesExist } from '../publisher/publisher-tables';
import { Gauge, Metric } from './prometheus';

/**
 * How delivery keeps up, read from the hub's file at scrape time: the position of the newest stored
 * event; each publisher's checkpoint and how many events it is behind (`onestop_publisher_lag_events`,
 * the figure to alert on: a referral waits behind every one of them); and the retractions each agency
 * has not yet acknowledged. Labels are publisher names and agency ids: nothing about a person.
 */
export function deliveryMetrics(db: Database, headPosition: number): Metric[] {
  const head = new Gauge('onestop_events_head_position', 'Global position of the newest event in the store');
  head.set({}, headPosition);
  const position = new Gauge('onestop_publisher_position', 'Global position of the last event each publisher has delivered');
  const lag = new Gauge('onestop_publisher_lag_events', 'Events stored but not yet delivered by each publisher');
  const unacknowledged = new Gauge('onestop_retractions_unacknowledged', 'Retractions sent to each agency and not yet acknowledged');
  if (publisherTablesExist(db)) {
    for (const row of db.prepare('SELECT name, position FROM pub_checkpoints ORDER BY name').all() as Array<{ name: string; position: number }>) {
      position.set({ publisher: row.name }, row.position);
      lag.set({ publisher: row.name }, Math.max(0, headPosition - row.position));
    }
    const rows = db.prepare('SELECT agency_id, COUNT(*) AS n FROM pub_retractions WHERE acknowledged_at IS NULL GROUP BY agency_id ORDER BY agency_id').all() as Array<{ agency_id: string; n: number }>;
    for (const row of rows) unacknowledged.set({ agency: row.agency_id }, row.n);
  }
  return [head, position, lag, unacknowledged];
}
