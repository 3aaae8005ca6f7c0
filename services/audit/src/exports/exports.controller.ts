import { Readable } from 'node:stream';
import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '@openlgsp/auth';
import { unwrap } from '@openlgsp/domain';
import { TRAIL_READERS } from '../common.js';
import { AUDIT_CONFIG, type AuditConfig } from '../config.js';
import { period } from '../entries/entry-scope.rules.js';
import { TrailStore, toEntry } from '../trail/trail.store.js';
import { csvHeader, csvRow } from './csv.js';
import { ExportQuery } from './exports.dto.js';

@ApiTags('exports')
@Controller('exports')
export class ExportsController {
  constructor(
    private readonly trail: TrailStore,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
  ) {}

  /** Streams a period of the trail in sequence order: NDJSON (whole entries) or CSV (their facts). */
  @Get()
  @Roles(...TRAIL_READERS)
  @ApiProduces('application/x-ndjson', 'text/csv')
  export(@Query() query: ExportQuery): StreamableFile {
    const when = unwrap(period(query.from, query.to, this.config.maxExportDays));
    const cursor = this.trail.entries
      .find({ recordedAt: { $gte: when.from!, $lt: when.to! } })
      .sort({ _id: 1 })
      .batchSize(1_000);
    const csv = query.format === 'csv';
    async function* lines() {
      if (csv) yield csvHeader();
      for await (const doc of cursor) yield csv ? csvRow(toEntry(doc)) : `${JSON.stringify(toEntry(doc))}\n`;
    }
    const name = `audit-${when.from!.slice(0, 10)}-${when.to!.slice(0, 10)}.${csv ? 'csv' : 'ndjson'}`;
    return new StreamableFile(Readable.from(lines()), {
      type: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="${name}"`,
    });
  }
}
