import { Injectable, type PipeTransform } from '@nestjs/common';
import { ProblemError, problem } from '@openlgsp/http';
import { AGENCY_CODE } from './dto.js';

@Injectable()
export class ParseAgencyCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!AGENCY_CODE.test(value))
      throw new ProblemError(
        problem(400, 'not an agency code', {
          code: 'invalid-request',
          errors: [{ path: '/code', message: 'must be 2-64 letters, digits, - or _' }],
        }),
      );
    return value;
  }
}
