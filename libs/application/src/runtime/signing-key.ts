import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MessageSigner } from '@onestop/delivery';

/** Loads the hub's message-signing key from `<dataDir>/secrets/hub-signing.jwk`, creating it on first start. */
export async function loadOrCreateSigner(dataDir: string): Promise<MessageSigner> {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'hub-signing.jwk');
  if (!existsSync(file)) {
    const jwk = await MessageSigner.generatePrivateJwk(`hub-${new Date().toISOString().slice(0, 10)}`);
    try {
      writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return MessageSigner.fromPrivateJwk(JSON.parse(readFileSync(file, 'utf8')));
}
