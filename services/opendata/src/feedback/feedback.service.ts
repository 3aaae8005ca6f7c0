import { Inject, Injectable } from '@nestjs/common';
import type { FeedbackSendCommand } from '@openlgsp/contracts';
import { NotFoundError, unwrap, type Actor } from '@openlgsp/domain';
import { CLOCK, type Clock } from '@openlgsp/events';
import type { Page } from '@openlgsp/persistence';
import { v7 as uuidv7 } from 'uuid';
import { PublicCatalogueService } from '../public-catalogue/public-catalogue.service.js';
import type { FeedbackState, FeedbackSubject, PublicFeedback } from './feedback.model.js';
import { FeedbackRepository, FeedbackServicesRepository } from './feedback.repository.js';
import { agencyView, answer, publicView, receive } from './feedback.rules.js';

/** Public feedback on open datasets and sharing services, routed to the owner (000 Điều 10.5). */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly feedback: FeedbackRepository,
    private readonly services: FeedbackServicesRepository,
    private readonly catalogue: PublicCatalogueService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async send(body: FeedbackSendCommand): Promise<PublicFeedback> {
    const subject = await this.subjectOf(body.target);
    const change = unwrap(
      receive(
        uuidv7(),
        subject,
        { text: body.text, ...(body.sender ? { sender: body.sender } : {}) },
        this.clock(),
      ),
    );
    // Anonymous: no actor on the event (and never the sender's contact).
    const saved = await this.feedback.create(change, undefined);
    return publicView(saved);
  }

  async answer(id: string, text: string, by: Actor): Promise<PublicFeedback> {
    return publicView(await this.feedback.apply(id, by, (f) => answer(f, text, by, this.clock())));
  }

  /** Anyone reads the public view; the owning agency and DIC also see how to reach the sender. */
  async get(id: string, by: Actor | undefined) {
    const feedback = await this.feedback.get(id);
    return by ? agencyView(feedback, by) : publicView(feedback);
  }

  /** The feedback on one dataset or service, oldest first (a bounded scan, one page at a time). */
  async list(
    target: FeedbackState['target'],
    page: { limit: number; cursor?: string },
  ): Promise<Page<PublicFeedback>> {
    const found = await this.feedback.page({ 'target.kind': target.kind, 'target.id': target.id }, page);
    return { items: found.items.map(publicView), nextCursor: found.nextCursor };
  }

  private async subjectOf(target: FeedbackState['target']): Promise<FeedbackSubject> {
    if (target.kind === 'dataset') {
      const doc = await this.catalogue.publicDataset(target.id).catch((err: unknown) => {
        if (err instanceof NotFoundError) return null;
        throw err;
      });
      return {
        target,
        ownerAgency: doc?.current.ownerAgency ?? 'unknown',
        open: doc !== null && doc.retraction === null,
      };
    }
    const service = await this.services.find(target.id);
    return {
      target,
      ownerAgency: service?.providerAgency ?? 'unknown',
      open: service !== null && service.status !== 'retired',
    };
  }
}
