import { ConfigError, loadConfig } from './hub-config';

describe('HUB_BANK_HOLIDAYS', () => {
  it('is empty by default: only weekends are skipped', () => {
    expect(loadConfig({}).HUB_BANK_HOLIDAYS).toEqual([]);
  });

  it('reads comma-separated dates, ignoring spaces', () => {
    expect(loadConfig({ HUB_BANK_HOLIDAYS: '2030-04-19, 2030-04-22,2030-05-06' }).HUB_BANK_HOLIDAYS).toEqual(['2030-04-19', '2030-04-22', '2030-05-06']);
  });

  it.each(['2030-4-19', '19/04/2030', '2030-02-30', '2030-04-19T00:00:00Z', 'Easter Monday'])('refuses %s, naming the setting', (value) => {
    expect(() => loadConfig({ HUB_BANK_HOLIDAYS: `2030-05-06,${value}` })).toThrow(ConfigError);
    expect(() => loadConfig({ HUB_BANK_HOLIDAYS: value })).toThrow('HUB_BANK_HOLIDAYS must be dates YYYY-MM-DD separated by commas');
  });
});
