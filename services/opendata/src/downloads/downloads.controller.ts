import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@openlgsp/auth';
import { NotFoundError } from '@openlgsp/domain';
import { problem, ProblemError } from '@openlgsp/http';
import {
  contentRange,
  parseRangeHeader,
  RangeNotSatisfiableError,
  type ObjectStore,
} from '@openlgsp/storage';
import type { PublicVersion } from '../public-catalogue/public-catalogue.model.js';
import { PublicCatalogueService } from '../public-catalogue/public-catalogue.service.js';
import { contentDisposition, etagOf, matchesIfNoneMatch } from './download.rules.js';
import { objectKeyOf } from './object-key.js';
import { OPENDATA_OBJECT_STORE } from './downloads.tokens.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkIds(...ids: string[]): void {
  if (ids.some((id) => !UUID.test(id)))
    throw new ProblemError(
      problem(400, 'not a dataset or distribution id', {
        code: 'invalid-request',
        errors: [{ path: '/id', message: 'dataset and distribution ids are UUIDs' }],
      }),
    );
}

/**
 * The files of published versions, streamed from the object store (never held in memory), with a
 * strong ETag (the checksum), byte ranges for resumed downloads, and a safe file name.
 */
@ApiTags('public catalogue')
@Controller('catalog/datasets/:id')
@Public()
export class DownloadsController {
  constructor(
    private readonly catalogue: PublicCatalogueService,
    @Inject(OPENDATA_OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  @Get('distributions/:distId/download')
  @ApiOperation({ summary: "Download a file of the dataset's latest version (Range, If-None-Match)" })
  async latest(
    @Param('id') id: string,
    @Param('distId') distId: string,
    @Headers() headers: Record<string, string | undefined>,
    @Res() reply: FastifyReply,
  ) {
    checkIds(id, distId);
    const doc = await this.catalogue.publicDataset(id);
    if (doc.retraction) throw gone(id);
    // The latest version may change: caches revalidate (cheaply, by ETag) after a few minutes.
    return this.send(doc.current, distId, headers, reply, 'public, max-age=300');
  }

  @Get('versions/:n/distributions/:distId/download')
  @ApiOperation({ summary: 'Download a file of one version (versions never change: cached for a year)' })
  async ofVersion(
    @Param('id') id: string,
    @Param('n') n: string,
    @Param('distId') distId: string,
    @Headers() headers: Record<string, string | undefined>,
    @Res() reply: FastifyReply,
  ) {
    checkIds(id, distId);
    if (!/^[1-9][0-9]{0,6}$/.test(n)) throw new NotFoundError('dataset version', `${id} v${n}`);
    const doc = await this.catalogue.publicDataset(id);
    if (doc.retraction) throw gone(id);
    return this.send(
      await this.catalogue.publicVersion(id, Number(n)),
      distId,
      headers,
      reply,
      'public, max-age=31536000, immutable',
    );
  }

  private async send(
    version: PublicVersion,
    distId: string,
    headers: Record<string, string | undefined>,
    reply: FastifyReply,
    cacheControl: string,
  ) {
    const distribution = version.distributions.find((d) => d.distributionId === distId);
    if (!distribution) throw new NotFoundError('distribution', distId);
    if (distribution.kind !== 'file' || !distribution.sha256)
      throw new ProblemError(
        problem(404, `distribution ${distId} is not a file: reach it at ${distribution.accessURL}`, {
          code: 'not-a-file',
        }),
      );
    const etag = etagOf(distribution.sha256);
    void reply
      .header('etag', etag)
      .header('accept-ranges', 'bytes')
      .header('cache-control', cacheControl)
      .header('content-disposition', contentDisposition(distribution))
      .header('x-content-type-options', 'nosniff');
    if (matchesIfNoneMatch(headers['if-none-match'], etag)) return reply.status(304).send();
    // If-Range with another validator means the file the client holds is not this one: send it whole.
    const ifRange = headers['if-range'];
    const range = ifRange && ifRange !== etag ? undefined : parseRangeHeader(headers.range);
    let object;
    try {
      object = await this.store.get(objectKeyOf(distribution.sha256), range ? { range } : {});
    } catch (err) {
      if (err instanceof RangeNotSatisfiableError) {
        const size =
          distribution.byteSize ?? (await this.store.head(objectKeyOf(distribution.sha256)))?.bytes;
        return reply
          .status(416)
          .header('content-range', `bytes */${size ?? '*'}`)
          .header('content-type', 'application/problem+json')
          .send(
            JSON.stringify(
              problem(416, 'the range lies outside the file', { code: 'range-not-satisfiable' }),
            ),
          );
      }
      throw err;
    }
    if (!object) throw new NotFoundError('file', distId);
    void reply
      .header('content-type', distribution.mediaType ?? object.contentType)
      .header('content-length', String(object.length));
    if (object.range)
      void reply.status(206).header('content-range', contentRange(object.range, object.bytes));
    return reply.send(object.stream);
  }
}

function gone(id: string): ProblemError {
  return new ProblemError(
    problem(410, `dataset ${id} was retracted; its files are no longer served`, { code: 'retracted' }),
  );
}
