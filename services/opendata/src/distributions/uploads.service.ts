import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { v7 as uuidv7 } from 'uuid';
import { fail, unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import { problem, ProblemError } from '@openlgsp/http';
import { TooLargeError, type ObjectStore } from '@openlgsp/storage';
import { OBJECT_STORE, OPENDATA_CONFIG, type OpendataConfig } from '../config.js';
import type { DistributionDraft, FileDistributionDraft } from '../datasets/dataset.model.js';
import { formatByCode } from '../vocabularies/formats.js';
import { DatasetsService } from '../datasets/datasets.service.js';
import { contentKey } from './content-key.js';
import { checkCsv, checkSummary, MAX_REPORTED, type CsvProblem } from './csv-check.js';
import { checkTableSchema, type TableSchema } from './table-schema.js';
import { sanitiseFileName, sniff, uploadFormat } from './upload.rules.js';

const SNIFF_BYTES = 4096;

export interface Upload {
  datasetId: string;
  name: string;
  /** The EU file-type code the owner declares (else the name's extension says). */
  format?: string;
  contentType: string | undefined;
  contentLength: number | undefined;
  body: Readable;
}

/**
 * Files uploaded to a draft (004 Điều 8.1). The bytes are streamed into an incoming object, checked
 * there (first bytes against the format; a CSV row by row), then kept under their SHA-256; whatever is
 * refused leaves nothing behind.
 */
@Injectable()
export class UploadsService {
  constructor(
    private readonly datasets: DatasetsService,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(OPENDATA_CONFIG) private readonly config: OpendataConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async upload(upload: Upload, by: Actor) {
    // Everything that can be judged before reading the body is: who, which draft, what name and type.
    const dataset = await this.datasets.mayEdit(upload.datasetId, by);
    const name = unwrap(sanitiseFileName(upload.name));
    // A file uploaded again under its name keeps the Table Schema declared for it, and is checked against it.
    const declared = fileNamed(dataset.draft.distributions, name)?.tableSchema;
    const format = unwrap(uploadFormat(name, upload.contentType, upload.format));
    const max = this.config.uploadMaxBytes;
    if (upload.contentLength !== undefined && upload.contentLength > max) throw tooLarge(max);

    const incoming = `incoming/${uuidv7()}`;
    let stored;
    try {
      stored = await this.store.put(incoming, upload.body, { contentType: format.mediaType, maxBytes: max });
    } catch (err) {
      if (err instanceof TooLargeError) throw tooLarge(max);
      throw err;
    }
    try {
      unwrap(sniff(format, await this.head(incoming)));
      let check: FileDistributionDraft['check'] = null;
      if (format.tabular) {
        const file = await this.store.get(incoming);
        const result = await checkCsv(file!.stream as Readable, declared);
        if (result.problemCount > 0) throw csvRefused(name, result.problems, result.problemCount);
        check = checkSummary(result, this.clock());
      }
      const key = contentKey(stored.sha256);
      // Content-addressed: the same bytes are kept once, whoever uploads them.
      if (!(await this.store.head(key))) {
        const file = await this.store.get(incoming);
        await this.store.put(key, file!.stream, { contentType: format.mediaType, maxBytes: max });
      }
      const saved = await this.datasets.setDistributions(upload.datasetId, by, (current) => {
        const same = fileNamed(current, name);
        const file: FileDistributionDraft = {
          distributionId: same?.distributionId ?? uuidv7(),
          ...(same?.title ? { title: same.title } : {}),
          ...(same?.description ? { description: same.description } : {}),
          kind: 'file',
          fileName: name,
          objectKey: key,
          format: format.code,
          mediaType: format.mediaType,
          byteSize: stored.bytes,
          sha256: stored.sha256,
          ...(declared && format.tabular ? { tableSchema: declared } : {}),
          check,
        };
        return same ? current.map((d) => (d === same ? file : d)) : [...current, file];
      });
      const { objectKey: _key, ...shown } = fileNamed(saved.draft.distributions, name)!;
      return shown;
    } finally {
      await this.store.delete(incoming);
    }
  }

  /** Removes an uploaded file from the working copy (its bytes stay while a version names them). */
  async remove(datasetId: string, rawName: string, by: Actor) {
    const name = unwrap(sanitiseFileName(rawName));
    await this.datasets.setDistributions(datasetId, by, (current) => {
      const kept = current.filter((d) => !(d.kind === 'file' && d.fileName === name));
      if (kept.length === current.length)
        throw new ProblemError(problem(404, `no file ${name} in this draft`, { code: 'not-found' }));
      return kept;
    });
  }

  /**
   * The owner declares the Table Schema of an uploaded CSV: the stored file is checked against it at
   * once, and a file that does not match refuses the declaration (nothing changes).
   */
  async declareTableSchema(datasetId: string, rawName: string, schema: TableSchema, by: Actor) {
    const dataset = await this.datasets.mayEdit(datasetId, by);
    const name = unwrap(sanitiseFileName(rawName));
    const file = fileNamed(dataset.draft.distributions, name);
    if (!file) throw new ProblemError(problem(404, `no file ${name} in this draft`, { code: 'not-found' }));
    if (!formatByCode(file.format)?.tabular)
      unwrap(fail('conflict', 'not-tabular', `${name} is ${file.format}; a Table Schema describes a CSV`));
    const invalid = checkTableSchema(schema);
    if (invalid.length)
      throw new ProblemError(
        problem(422, `the table schema is not usable: ${invalid[0]!.message}`, {
          code: 'table-schema',
          errors: invalid.map((p) => ({ path: p.path, message: p.message })),
        }),
      );
    const stored = await this.store.get(file.objectKey);
    if (!stored) throw new Error(`the stored file ${file.objectKey} of ${datasetId} is missing`);
    const result = await checkCsv(stored.stream as Readable, schema);
    if (result.problemCount > 0) throw csvRefused(name, result.problems, result.problemCount);
    const check = checkSummary(result, this.clock());
    const saved = await this.datasets.setDistributions(datasetId, by, (current) =>
      current.map((d) =>
        d.distributionId === file.distributionId ? { ...file, tableSchema: schema, check } : d,
      ),
    );
    const { objectKey: _key, ...shown } = fileNamed(saved.draft.distributions, name)!;
    return shown;
  }

  private async head(key: string): Promise<Buffer> {
    const file = await this.store
      .get(key, { range: { start: 0, end: SNIFF_BYTES - 1 } })
      .catch(() => undefined);
    if (!file) return Buffer.alloc(0);
    const chunks: Buffer[] = [];
    for await (const chunk of file.stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
}

function fileNamed(
  distributions: readonly DistributionDraft[],
  name: string,
): FileDistributionDraft | undefined {
  return distributions.find((d): d is FileDistributionDraft => d.kind === 'file' && d.fileName === name);
}

function tooLarge(max: number): ProblemError {
  return new ProblemError(
    problem(413, `the file is larger than the limit of ${max} bytes (OPENDATA_UPLOAD_MAX_BYTES)`, {
      code: 'file-too-large',
    }),
  );
}

/** A CSV with problems is refused, each problem where it is (line, column), the first 100. */
function csvRefused(name: string, problems: CsvProblem[], count: number): ProblemError {
  const more = count > MAX_REPORTED ? ` (the first ${MAX_REPORTED} listed)` : '';
  return new ProblemError({
    ...problem(422, `${name} has ${count} problem(s)${more}; correct the file and upload it again`, {
      code: 'csv-check-failed',
      source: '004 Điều 8.1',
      errors: problems.map((p) => ({
        path: p.column === null ? `/lines/${p.line}` : `/lines/${p.line}/columns/${p.column}`,
        message: `line ${p.line}${p.column === null ? '' : `, column ${p.column}`}: ${p.message} (${p.code})`,
      })),
    }),
    problems,
    problemCount: count,
  } as ReturnType<typeof problem>);
}
