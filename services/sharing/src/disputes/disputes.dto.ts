import { LegalBasis, ScopeDto } from '../common/dto.js';
import { OneOf, PageQuery, Text, UuidField, type LegalReferenceDto } from '@openlgsp/http';

export class OpenDisputeDto {
  @UuidField(false, 'the refused or overdue request')
  requestId!: string;

  @Text(4000, 'what the requester disputes, and why')
  statement!: string;
}

/** For an order to share, the scope (at most what was requested) and validity. */
export class DecideDisputeDto extends ScopeDto {
  @OneOf(['upheld', 'sharing-ordered'] as const)
  outcome!: 'upheld' | 'sharing-ordered';

  @Text(4000, "DIC's reasons")
  reasons!: string;

  @LegalBasis(true)
  legalBasis?: LegalReferenceDto[];
}

export class DisputeQuery extends PageQuery {
  @OneOf(['open', 'decided'] as const, true)
  status?: 'open' | 'decided';
}
