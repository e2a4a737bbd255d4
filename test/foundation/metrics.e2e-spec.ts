import { TestHub } from '../support/hub-harness';
import { consentBody, Partnership, registerPerson, startPartnership } from '../support/fixtures';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** `GET /metrics` beside the referral measures: requests answered, and how delivery keeps up. */
describe('metrics for operations', () => {
  let hub: TestHub;
  let p: Partnership;

  beforeAll(async () => {
    hub = await TestHub.start();
    p = await startPartnership(hub);
  });
  afterAll(() => hub.close());

  const scrape = async (): Promise<string> => {
    const res = await fetch(`${hub.url}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const value = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  it('counts requests by route pattern and status, never by the ids in their paths', async () => {
    const personId = await registerPerson(hub, p.tokens.housing);
    for (let i = 0; i < 3; i += 1) expect((await hub.request('GET', `/v1/people/${personId}`, p.tokens.housing)).status).toBe(200);
    expect((await hub.request('GET', `/v1/people/${personId}`)).status).toBe(401);
    expect((await hub.request('GET', '/v1/nowhere', p.tokens.housing)).status).toBe(404);
    const text = await scrape();
    expect(value(text, 'onestop_http_requests_total{method="GET",route="/v1/people/:id",status="200"}')).toBe(3);
    expect(value(text, 'onestop_http_requests_total{method="GET",route="/v1/people/:id",status="401"}')).toBe(1);
    expect(value(text, 'onestop_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(value(text, 'onestop_http_request_duration_seconds_count{method="GET",route="/v1/people/:id"}')).toBe(4);
    expect(text).not.toMatch(UUID);
  });

  it('shows how far the publisher is behind the store, and the retractions agencies have not acknowledged', async () => {
    const personId = await registerPerson(hub, p.tokens.housing);
    const { consentId } = (await hub.request('POST', `/v1/people/${personId}/consents`, p.tokens.housing, consentBody())).body;
    await hub.request('POST', `/v1/people/${personId}/consents/${consentId}/withdraw`, p.tokens.housing, {});
    await hub.published();
    const text = await scrape();
    const head = value(text, 'onestop_events_head_position');
    expect(head).toBeGreaterThan(0);
    expect(value(text, 'onestop_publisher_position{publisher="publisher"}')).toBe(head);
    expect(value(text, 'onestop_publisher_lag_events{publisher="publisher"}')).toBe(0);
    expect(value(text, 'onestop_retractions_unacknowledged{agency="sms"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(UUID);
  });
});
