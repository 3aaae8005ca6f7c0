/** The operator console's settings, read once at start; a bad value stops the start, naming the variable. */
export interface ConsoleConfig {
  /** Each service's base URL (LGSP_CONSOLE_SERVICES=catalogue=http://…,sharing=http://…), in the order given. */
  services: { name: string; baseUrl: string }[];
  /** The trace backend's query API (Jaeger's `/api/traces/{id}`), when one is configured. */
  traceQueryUrl?: string;
}

export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');

export class ConsoleConfigError extends Error {}

const SERVICE_NAME = /^[a-z][a-z0-9-]{1,63}$/;

function httpUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConsoleConfigError(`${name}: '${raw}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConsoleConfigError(`${name}: '${raw}' must be an http(s) URL`);
  if (url.username || url.password) throw new ConsoleConfigError(`${name}: put no credentials in the URL`);
  return url.href.replace(/\/+$/, '');
}

export function consoleConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const services: ConsoleConfig['services'] = [];
  for (const pair of (env.LGSP_CONSOLE_SERVICES ?? '').split(',').map((s) => s.trim())) {
    if (!pair) continue;
    const at = pair.indexOf('=');
    const name = at > 0 ? pair.slice(0, at).trim() : '';
    if (!SERVICE_NAME.test(name))
      throw new ConsoleConfigError(
        `LGSP_CONSOLE_SERVICES: '${pair}' must read <service>=<base URL>, e.g. catalogue=http://catalogue:3000`,
      );
    if (services.some((s) => s.name === name))
      throw new ConsoleConfigError(`LGSP_CONSOLE_SERVICES names ${name} twice`);
    services.push({ name, baseUrl: httpUrl('LGSP_CONSOLE_SERVICES', pair.slice(at + 1).trim()) });
  }
  const trace = env.LGSP_TRACE_QUERY_URL?.trim();
  return { services, ...(trace ? { traceQueryUrl: httpUrl('LGSP_TRACE_QUERY_URL', trace) } : {}) };
}
