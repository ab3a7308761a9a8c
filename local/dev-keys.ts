import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generatePlaidSigningKey, type PlaidSigningKey, toPlaidJwk } from './signing.js';

/** The local signing identity: a Plaid ES256 key and an Argyle webhook secret. */
export interface DevKeys {
  readonly plaid: PlaidSigningKey;
  readonly argyleSecret: string;
}

interface DevKeysFile {
  readonly plaid: { readonly kid: string; readonly privateKeyPem: string; readonly createdAt: number };
  readonly argyle: { readonly secret: string };
}

/** Reads the dev keys file; `undefined` when there is none. */
export const readDevKeys = async (file: string): Promise<DevKeys | undefined> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const saved = JSON.parse(text) as DevKeysFile;
  const privateKey = createPrivateKey(saved.plaid.privateKeyPem);
  return {
    plaid: {
      kid: saved.plaid.kid,
      privateKey,
      jwk: toPlaidJwk(saved.plaid.kid, createPublicKey(privateKey), saved.plaid.createdAt),
    },
    argyleSecret: saved.argyle.secret,
  };
};

/**
 * Loads the dev keys, creating them on first use. They are kept between runs so that a captured
 * setup (a tunnel registered with the Argyle secret, a `send` from another terminal) keeps working.
 */
export const loadOrCreateDevKeys = async (file: string): Promise<DevKeys> => {
  const existing = await readDevKeys(file);
  if (existing) return existing;
  const plaid = generatePlaidSigningKey();
  const argyleSecret = `whsec_dev_${randomBytes(24).toString('hex')}`;
  const saved: DevKeysFile = {
    plaid: {
      kid: plaid.kid,
      privateKeyPem: plaid.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      createdAt: plaid.jwk.created_at ?? Math.floor(Date.now() / 1000),
    },
    argyle: { secret: argyleSecret },
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  return { plaid, argyleSecret };
};
