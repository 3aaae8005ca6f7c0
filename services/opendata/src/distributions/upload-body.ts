import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The route whose body is a file, streamed to the object store as it arrives. */
export const UPLOAD_ROUTE = '/opendata/datasets/:datasetId/distributions/:name';
const UPLOAD_TYPE = 'application/x-lgsp-upload';

/** The content type the client sent with an upload (the file's), kept before the parser is chosen. */
export function uploadContentType(request: FastifyRequest): string | undefined {
  return (request.raw as { lgspUploadType?: string }).lgspUploadType;
}

/**
 * Fastify reads a body whole (up to HTTP_BODY_LIMIT) before the handler runs. An upload must not be:
 * for the upload route alone, the file's content type is set aside and the body left unread, so the
 * handler streams `request.raw` into the store with its own bound (OPENDATA_UPLOAD_MAX_BYTES).
 */
@Injectable()
export class UploadBodyParser implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.addContentTypeParser) return;
    fastify.addHook('onRequest', async (request) => {
      if (request.method !== 'PUT' || request.routeOptions.url !== UPLOAD_ROUTE) return;
      (request.raw as { lgspUploadType?: string }).lgspUploadType = request.headers['content-type'];
      request.headers['content-type'] = UPLOAD_TYPE;
    });
    fastify.addContentTypeParser(UPLOAD_TYPE, (_request, _payload, done) => done(null, undefined));
  }
}
