import { Controller, Delete, HttpCode, Param, ParseUUIDPipe, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import { CommandBody, OneOf } from '@openlgsp/http';
import type { TableSchemaDeclareCommand } from '@openlgsp/contracts';
import { FILE_FORMATS, FILE_FORMAT_CODES } from '../vocabularies/formats.js';
import { uploadContentType } from './upload-body.js';
import { UploadsService } from './uploads.service.js';

const uuid = new ParseUUIDPipe();

export class UploadQuery {
  @OneOf(FILE_FORMAT_CODES, true)
  format?: (typeof FILE_FORMAT_CODES)[number];
}

/** Files of a draft: the body is the file itself, streamed, never read whole (004 Điều 8.1). */
@ApiTags('distributions')
@Controller('datasets')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Put(':datasetId/distributions/:name')
  @Roles('provider', 'integrator')
  @ApiOperation({
    summary:
      "Upload a file to the owner's working copy (the body is the file; content-type its media type). A CSV is checked row by row; a mislabelled file, a path in the name or a file over the limit (413) is refused and nothing is kept",
  })
  @ApiConsumes(...FILE_FORMATS.map((f) => f.mediaType))
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  upload(
    @Param('datasetId', uuid) datasetId: string,
    @Param('name') name: string,
    @Query() q: UploadQuery,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() by: Principal,
  ) {
    const length = request.headers['content-length'];
    return this.uploads.upload(
      {
        datasetId,
        name,
        ...(q.format ? { format: q.format } : {}),
        contentType: uploadContentType(request),
        contentLength: length !== undefined ? Number(length) : undefined,
        body: request.raw,
      },
      by,
    );
  }

  @Put(':datasetId/distributions/:name/table-schema')
  @Roles('provider', 'integrator')
  @ApiOperation({
    summary:
      'Declare the Table Schema of an uploaded CSV; the stored file is checked against it at once and a mismatch refuses it, with lines and columns',
  })
  declareTableSchema(
    @Param('datasetId', uuid) datasetId: string,
    @Param('name') name: string,
    @CommandBody('opendata.table-schema.declare') body: TableSchemaDeclareCommand,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.uploads.declareTableSchema(datasetId, name, body, by);
  }

  @Delete(':datasetId/distributions/:name')
  @HttpCode(204)
  @Roles('provider', 'integrator')
  @ApiOperation({ summary: "Remove an uploaded file from the owner's working copy" })
  async remove(
    @Param('datasetId', uuid) datasetId: string,
    @Param('name') name: string,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.uploads.remove(datasetId, name, by);
  }
}
