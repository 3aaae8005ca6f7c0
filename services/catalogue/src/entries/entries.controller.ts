import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { withoutStorageFields } from '@openlgsp/persistence';
import { CurrentPrincipal, Public, Roles, type Principal } from '@openlgsp/auth';
import { CommandBody, PageQuery } from '@openlgsp/http';
import { EntriesService } from './entries.service.js';
import type { EntryState } from './entry.model.js';
import {
  type AssessmentDto,
  type CompileDto,
  type DecisionDto,
  EntrySearchQuery,
  type ProposeAdditionDto,
  type ProposeChangeDto,
  type ReviewDto,
} from './entries.dto.js';

const uuid = new ParseUUIDPipe();

/** What readers get: the document without storage internals. */
export function entryView(doc: EntryState) {
  return withoutStorageFields(doc, 'searchText');
}

@ApiTags('entries')
@Controller('entries')
export class EntriesController {
  constructor(private readonly entries: EntriesService) {}

  @Post('proposals')
  @Roles('provider')
  @ApiOperation({ summary: 'Propose a new shared database for the catalogue (004 Điều 4.2)' })
  proposeAddition(
    @CommandBody('catalogue.proposal.submit') body: ProposeAdditionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.entries.proposeAddition(body, by);
  }

  @Post(':entryId/proposals')
  @Roles('provider')
  @ApiOperation({ summary: 'Propose to amend or withdraw a listed entry' })
  proposeChange(
    @Param('entryId', uuid) entryId: string,
    @CommandBody('catalogue.proposal.submit-change') body: ProposeChangeDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.entries.proposeChange(entryId, body, by);
  }

  @Post(':entryId/proposals/:proposalId/compilation')
  @HttpCode(204)
  @Roles('dic')
  @ApiOperation({ summary: 'DIC compiles a proposal for the Committee' })
  async compile(
    @Param('entryId', uuid) entryId: string,
    @Param('proposalId', uuid) proposalId: string,
    @CommandBody('catalogue.proposal.compile') body: CompileDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.entries.compile(entryId, proposalId, body.note, by);
  }

  @Post(':entryId/proposals/:proposalId/decision')
  @HttpCode(204)
  @Roles('committee')
  @ApiOperation({ summary: "The People's Committee approves or rejects (with a reason)" })
  async decide(
    @Param('entryId', uuid) entryId: string,
    @Param('proposalId', uuid) proposalId: string,
    @CommandBody('catalogue.proposal.decide') body: DecisionDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.entries.decide(entryId, proposalId, body, by);
  }

  @Post(':entryId/assessments')
  @Roles('provider', 'dic')
  @ApiOperation({ summary: 'Record the annual quality assessment (Decree 47 Điều 16)' })
  assess(
    @Param('entryId', uuid) entryId: string,
    @CommandBody('catalogue.entry.assess') body: AssessmentDto,
    @CurrentPrincipal() by: Principal,
  ) {
    return this.entries.assess(entryId, body, by);
  }

  @Post(':entryId/reviews')
  @HttpCode(204)
  @Roles('dic')
  @ApiOperation({ summary: 'Record the six-monthly review of default sharing (Decree 47 Điều 34)' })
  async review(
    @Param('entryId', uuid) entryId: string,
    @CommandBody('catalogue.entry.review') body: ReviewDto,
    @CurrentPrincipal() by: Principal,
  ) {
    await this.entries.review(entryId, body, by);
  }

  @Get('overdue-assessments')
  @Roles('dic', 'auditor', 'committee')
  @ApiOperation({ summary: 'Listed entries with no assessment in the last year' })
  async overdue(@Query() page: PageQuery) {
    const found = await this.entries.overdueAssessments(page);
    return { ...found, items: found.items.map(entryView) };
  }

  @Get('due-reviews')
  @Roles('dic', 'auditor', 'committee')
  @ApiOperation({ summary: 'Listed entries not reviewed in the last six months' })
  async dueReviews(@Query() page: PageQuery) {
    const found = await this.entries.dueReviews(page);
    return { ...found, items: found.items.map(entryView) };
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'Search entries with facet counts (listed ones for the public)' })
  async search(@Query() query: EntrySearchQuery, @CurrentPrincipal() by?: Principal) {
    const page = await this.entries.search(query, by);
    return { ...page, items: page.items.map(entryView) };
  }

  @Get(':entryId')
  @Public()
  async get(@Param('entryId', uuid) entryId: string, @CurrentPrincipal() by?: Principal) {
    return entryView(await this.entries.get(entryId, by));
  }
}
