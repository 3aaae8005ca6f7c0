#!/usr/bin/env node
/**
 * Development tokens: prints a signed JWT (and nothing else) on stdout.
 *   node dist/src/cli/token.js --agency SOTTTT --roles dic,provider [--sub alice] [--ttl 8h] [--keys DIR]
 * Keys: --keys, else $LGSP_DATA/keys, else ./.lgsp/keys (created on first use).
 * Issuer/audience: AUTH_ISSUER / AUTH_AUDIENCE, as the services read them.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../config.js';
import { defaultKeysDir, issueToken, localKeys } from '../local.js';
import { isAgencyCode, isRole, ROLES, type Role } from '../principal.js';

const USAGE = `usage: token --agency CODE --roles ROLE[,ROLE...] [--sub ID] [--ttl 8h] [--keys DIR]
  --agency  agency code: 2-64 letters, digits, "-" or "_" (e.g. SOTTTT)
  --roles   comma-separated, from: ${ROLES.join(', ')}
  --sub     subject (default: dev-<agency>)
  --ttl     lifetime, e.g. 30m, 8h, 2d, or seconds (default: 1h)
  --keys    key directory (default: $LGSP_DATA/keys or ./.lgsp/keys)`;

const TTL = /^\d+(\.\d+)? ?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/i;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        agency: { type: 'string' },
        roles: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        keys: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const agency = values.agency as string | undefined;
  if (!agency) throw new UsageError('--agency is required');
  if (values.sub !== undefined && !String(values.sub).trim()) throw new UsageError('--sub must not be empty');
  if (!isAgencyCode(agency))
    throw new UsageError(`bad agency code "${agency}": use 2-64 letters, digits, "-" or "_"`);
  const roles = String(values.roles ?? '')
    .split(',')
    .map((role) => role.trim())
    .filter(Boolean);
  if (roles.length === 0) throw new UsageError('--roles is required');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new UsageError(`unknown role(s): ${unknown.join(', ')}`);
  const ttlText = (values.ttl as string | undefined) ?? '1h';
  const ttl = /^\d+$/.test(ttlText) ? Number(ttlText) : ttlText;
  if (typeof ttl === 'string' && !TTL.test(ttl)) {
    throw new UsageError(`bad --ttl "${ttlText}": use e.g. 30m, 8h, 2d or a number of seconds`);
  }

  const keys = await localKeys((values.keys as string | undefined) ?? defaultKeysDir());
  const token = await issueToken(
    { sub: (values.sub as string | undefined) ?? `dev-${agency}`, agency, roles: roles as Role[], ttl },
    keys.privateKey,
    {
      issuer: process.env.AUTH_ISSUER?.trim() || DEFAULT_ISSUER,
      audience: process.env.AUTH_AUDIENCE?.trim() || DEFAULT_AUDIENCE,
    },
  );
  process.stdout.write(`${token}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`token: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`token: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
});
