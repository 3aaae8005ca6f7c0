import { Controller, Get, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@openlgsp/auth';
import { RuleViolationError } from '@openlgsp/domain';
import { TRAIL_READERS } from '../common.js';
import { CheckpointsService } from './checkpoints.service.js';

@ApiTags('checkpoints')
@Controller('checkpoints')
export class CheckpointsController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  /** Signs the head now (the timer does it too); the same head is never signed twice. */
  @Post()
  @Roles(...TRAIL_READERS)
  async sign() {
    const cp = await this.checkpoints.signHead();
    if (!cp)
      throw new RuleViolationError({
        kind: 'conflict',
        code: 'empty-trail',
        message: 'the trail has no entries yet',
      });
    return cp;
  }

  @Get()
  @Roles(...TRAIL_READERS)
  async list() {
    return { items: await this.checkpoints.all() };
  }

  /** Anyone may verify a checkpoint: the public key is public. */
  @Get('public-key')
  @Public()
  publicKey() {
    return this.checkpoints.publicKey();
  }
}
