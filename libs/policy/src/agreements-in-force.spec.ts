import { AgreementVersion } from '@onestop/domain';
import { agreementsInForce } from './agreements-in-force';

const version = (agreementId: string, v: number, effectiveFrom: string, reviewDate: string): AgreementVersion => ({
  agreementId,
  version: v,
  title: `${agreementId} v${v}`,
  parties: ['housing'],
  grants: [],
  effectiveFrom,
  reviewDate,
});

const names = (versions: readonly AgreementVersion[]) => versions.map((v) => `${v.agreementId}@${v.version}`).join(',');

describe('agreementsInForce', () => {
  const list: AgreementVersion[] = [
    version('mash', 1, '2025-01-01T00:00:00.000Z', '2026-01-01'),
    version('isp', 1, '2025-02-01T00:00:00.000Z', '2025-06-30'),
    version('mash', 2, '2025-03-15T12:00:00.000Z', '2026-01-01'),
    version('isp', 2, '2025-09-01T00:00:00.000Z', '2026-06-30'),
  ];
  const times = [
    '2024-12-31T23:59:59.999Z',
    '2025-01-01T00:00:00.000Z',
    '2025-02-01T00:00:00.000Z',
    '2025-03-15T11:59:59.999Z',
    '2025-03-15T12:00:00.000Z',
    '2025-06-30T23:59:59.999Z',
    '2025-07-01T00:00:00.000Z',
    '2025-08-31T23:59:59.999Z',
    '2025-09-01T00:00:00.000Z',
    '2026-01-01T23:59:59.999Z',
    '2026-01-02T00:00:00.000Z',
    '2026-07-01T00:00:00.000Z',
  ];

  it('answers a list asked again and again (in any order of times) as it answers a fresh copy of it', () => {
    const order = [...times, ...[...times].reverse(), ...times.filter((_, i) => i % 3 === 0), ...times];
    for (const at of order) expect(names(agreementsInForce(list, at))).toBe(names(agreementsInForce([...list], at)));
    expect(names(agreementsInForce(list, '2025-03-15T12:00:00.000Z'))).toBe('isp@1,mash@2');
    expect(names(agreementsInForce(list, '2025-07-01T00:00:00.000Z'))).toBe('mash@2');
    expect(names(agreementsInForce(list, '2026-01-02T00:00:00.000Z'))).toBe('isp@2');
  });

  it('takes a version published into the same list into account at once', () => {
    const growing = [...list];
    expect(names(agreementsInForce(growing, '2025-04-01T00:00:00.000Z'))).toBe('isp@1,mash@2');
    growing.push(version('isp', 3, '2025-03-20T00:00:00.000Z', '2025-04-01'));
    expect(names(agreementsInForce(growing, '2025-04-01T00:00:00.000Z'))).toBe('isp@3,mash@2');
    expect(names(agreementsInForce(growing, '2025-04-02T00:00:00.000Z'))).toBe('mash@2');
  });

  it('gives a frozen list that a caller cannot change for the others', () => {
    const inForce = agreementsInForce(list, '2025-03-15T12:00:00.000Z');
    expect(Object.isFrozen(inForce)).toBe(true);
    expect(() => (inForce as AgreementVersion[]).push(list[0])).toThrow(TypeError);
  });
});
