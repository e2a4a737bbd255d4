/** Red/amber/green from the time left before a deadline, as a share of the time allowed. */
export type RagStatus = 'red' | 'amber' | 'green' | 'none';

const AWAITING_ACK = new Set(['raised']);

export function ragStatus(status: string, raisedAt: string | null, deadline: string | null, now: number): RagStatus {
  if (!AWAITING_ACK.has(status) || !raisedAt || !deadline) return 'none';
  const total = Date.parse(deadline) - Date.parse(raisedAt);
  const left = Date.parse(deadline) - now;
  if (left <= 0 || left < total * 0.25) return 'red';
  if (left < total * 0.5) return 'amber';
  return 'green';
}
