import type { FastifyInstance } from 'fastify';

/**
 * A plain HTML form posts application/x-www-form-urlencoded, which Fastify does not parse by
 * itself; the fields become a flat object of strings (repeated names keep the first). Idempotent:
 * the server-rendered pages of any service (the open-data portal, the operator console) share it.
 */
export function acceptHtmlForms(fastify: FastifyInstance | undefined, bodyLimit: number): void {
  if (!fastify || fastify.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => {
      const fields: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(body as string))
        if (!Object.hasOwn(fields, name)) fields[name] = value;
      done(null, fields);
    },
  );
}
