import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@openlgsp/auth';
import { problem, ProblemError, type FieldError } from '@openlgsp/http';
import { NotFoundError } from '@openlgsp/domain';
import { catalogDocument, datasetDocument, toTurtle, type DcatContext } from '../dcat/dcat.serialiser.js';
import { dcatLinksOf } from './public-catalogue.config.js';
import {
  parseCatalogPage,
  parseSearchParams,
  rdfFormatOf,
  type Parsed,
  type RdfFormat,
} from './public-catalogue.params.js';
import { catalogDatasetOf, PublicCatalogueService } from './public-catalogue.service.js';

type QueryParams = Record<string, string | string[] | undefined>;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const DATASET_PARAM = new RegExp(`^(${UUID})(\\.jsonld|\\.ttl)?$`);

function valid<T>(parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  throw invalid(parsed.errors);
}

function invalid(errors: FieldError[]): ProblemError {
  return new ProblemError(
    problem(400, errors.map((e) => `${e.path} ${e.message}`).join('; '), { code: 'invalid-request', errors }),
  );
}

function datasetIdOf(param: string): { id: string; suffix?: string } {
  const m = DATASET_PARAM.exec(param);
  if (!m)
    throw invalid([
      { path: '/id', message: 'must be a dataset id (a UUID), optionally with .jsonld or .ttl' },
    ]);
  return { id: m[1]!, ...(m[2] ? { suffix: m[2] } : {}) };
}

/**
 * The public catalogue (no token needed): search with facets, a dataset and its versions, and DCAT-AP 3
 * for harvesters as JSON-LD or Turtle (Accept header, or a `.jsonld`/`.ttl` suffix).
 */
@ApiTags('public catalogue')
@Controller()
@Public()
export class PublicCatalogueController {
  private readonly dcat: DcatContext;

  constructor(private readonly catalogue: PublicCatalogueService) {
    this.dcat = { links: dcatLinksOf(catalogue.config), licences: catalogue.config.licences };
  }

  @Get('catalog')
  @ApiOperation({
    summary:
      'Search the open datasets (accent-insensitive, facets, cursor pages); DCAT-AP 3 catalogue pages by Accept',
  })
  async search(
    @Query() query: QueryParams,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.header('vary', 'Accept');
    const format = rdfFormatOf(accept);
    if (format) return this.catalogPage(query, format, reply);
    return this.catalogue.search(valid(parseSearchParams(query)));
  }

  @Get('catalog.jsonld')
  @ApiOperation({ summary: 'A page of the DCAT-AP 3 catalogue as JSON-LD (?page=, ?pageSize=)' })
  catalogJsonLd(@Query() query: QueryParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.catalogPage(query, 'jsonld', reply);
  }

  @Get('catalog.ttl')
  @ApiOperation({ summary: 'A page of the DCAT-AP 3 catalogue as Turtle (?page=, ?pageSize=)' })
  catalogTurtle(@Query() query: QueryParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.catalogPage(query, 'turtle', reply);
  }

  @Get('catalog/datasets/:id')
  @ApiOperation({
    summary:
      'A dataset: its latest version, status (published or retracted) and versions; DCAT by Accept or suffix',
  })
  async dataset(
    @Param('id') param: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { id, suffix } = datasetIdOf(param);
    void reply.header('vary', 'Accept');
    const format = rdfFormatOf(accept, suffix);
    if (!format) return this.catalogue.dataset(id);
    const doc = await this.catalogue.publicDataset(id);
    return this.rdf(datasetDocument(this.dcat, catalogDatasetOf(doc)), format, reply);
  }

  @Get('catalog/datasets/:id/versions/:n')
  @ApiOperation({ summary: 'One published version of a dataset (versions never change)' })
  async version(@Param('id') param: string, @Param('n') n: string) {
    const { id, suffix } = datasetIdOf(param);
    if (suffix || !/^[1-9][0-9]{0,6}$/.test(n))
      throw invalid([{ path: '/n', message: 'must be a version number (1 or more)' }]);
    return this.catalogue.version(id, Number(n));
  }

  @Get('catalog/publishers')
  @ApiOperation({ summary: 'The agencies that publish open data, with their dataset counts' })
  publishers() {
    return this.catalogue.publishers();
  }

  @Get('catalog/publishers/:code')
  @ApiOperation({ summary: 'One publishing agency' })
  publisher(@Param('code') code: string) {
    if (!/^[A-Za-z0-9_-]{2,64}$/.test(code)) throw new NotFoundError('publisher', code);
    return this.catalogue.publisher(code);
  }

  @Get('catalog/changes')
  @ApiOperation({ summary: 'The latest publications, updates and retractions, newest first (?limit=)' })
  changes(@Query('limit') limit?: string) {
    if (limit !== undefined && (!/^[0-9]{1,3}$/.test(limit) || Number(limit) < 1 || Number(limit) > 100))
      throw invalid([{ path: '?limit', message: 'must be a whole number from 1 to 100' }]);
    return this.catalogue.recentlyChanged(limit ? Number(limit) : 20);
  }

  private async catalogPage(query: QueryParams, format: RdfFormat, reply: FastifyReply) {
    const { page, pageSize } = valid(parseCatalogPage(query));
    const { ranked } = await this.catalogue.rank({ clauses: [], order: [{ key: 'id', direction: 'asc' }] });
    const datasets = await this.catalogue.load(ranked.slice((page - 1) * pageSize, page * pageSize));
    const modified = ranked.reduce((latest, r) => Math.max(latest, new Date(r.entry.modified).getTime()), 0);
    const doc = catalogDocument(
      this.dcat,
      { ...this.catalogue.config.catalog, modified: new Date(modified || Date.now()) },
      datasets.map((d) => catalogDatasetOf(d)),
      { page, pageSize, totalItems: ranked.length },
    );
    return this.rdf(doc, format, reply);
  }

  private async rdf(doc: Record<string, unknown>, format: RdfFormat, reply: FastifyReply): Promise<string> {
    if (format === 'turtle') {
      void reply.header('content-type', 'text/turtle; charset=utf-8');
      return toTurtle(doc);
    }
    void reply.header('content-type', 'application/ld+json; charset=utf-8');
    return JSON.stringify(doc);
  }
}
