import { TestHub } from './support/hub-harness';

describe('the hub over HTTP', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start();
  });
  afterAll(() => hub.close());

  it('registers a person and shows them to their own agency', async () => {
    const sms = await hub.registerAgency('sms', 'substance-misuse');
    const token = await sms.token(['caseworker']);
    const created = await hub.request('POST', '/v1/people', token, { name: 'Test Person', dateOfBirth: '1990-01-01' });
    expect(created.status).toBe(201);
    const read = await hub.request('GET', `/v1/people/${created.body.personId}`, token);
    expect(read.status).toBe(200);
    expect(read.body.identity.name).toBe('Test Person');
  });
});
