import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { Roles } from '@openlgsp/auth';
import { RuleViolationError } from '@openlgsp/domain';
import { TRAIL_READERS } from '../common.js';
import { VerificationRange, type VerificationRunBody } from './verification.dto.js';
import { VerificationService } from './verification.service.js';

@ApiTags('verification')
@Controller('verification')
export class VerificationController {
  constructor(private readonly verification: VerificationService) {}

  /** Verifies the stored trail (or a range) and reports the first broken entry; 200 either way. */
  @Get()
  @Roles(...TRAIL_READERS)
  get(@Query() range: VerificationRange) {
    return this.run(range);
  }

  @Post()
  @HttpCode(200)
  @Roles(...TRAIL_READERS)
  post(@CommandBody('audit.verification.run') range: VerificationRunBody) {
    return this.run(range);
  }

  private run(range: VerificationRange) {
    if (range.fromSeq !== undefined && range.toSeq !== undefined && range.fromSeq > range.toSeq)
      throw new RuleViolationError({
        kind: 'invalid',
        code: 'bad-range',
        message: `fromSeq (${range.fromSeq}) must not be after toSeq (${range.toSeq})`,
        path: '/toSeq',
      });
    return this.verification.verify(range);
  }
}
