import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandBody } from '@openlgsp/http';
import { CurrentPrincipal, Roles, type Principal } from '@openlgsp/auth';
import type { RecordReviewDto } from './datasets.dto.js';
import { DatasetsService } from './datasets.service.js';
import { FreshnessService } from './freshness.service.js';

/** The six-monthly review of the open-data list (Decree 47 as summarised in DOMAIN.md §3), by DIC. */
@ApiTags('reviews')
@Controller('reviews')
export class ReviewsController {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly freshness: FreshnessService,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('dic')
  @ApiOperation({
    summary: 'Record that the review covered these public datasets; the others are listed with why',
  })
  async record(
    @CommandBody('opendata.review.record') body: RecordReviewDto,
    @CurrentPrincipal() by: Principal,
  ) {
    const result = await this.datasets.recordReview(body.datasetIds, by);
    // The lists follow at once, not at the next tick.
    await this.freshness.tick();
    return result;
  }

  @Get('due')
  @Roles('dic')
  @ApiOperation({ summary: 'Public datasets whose six-monthly review is due' })
  due() {
    return this.freshness.reviewsDue();
  }
}
