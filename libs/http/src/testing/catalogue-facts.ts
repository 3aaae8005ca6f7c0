import type { JetStreamClient } from '@nats-io/jetstream';
import { contractFor, type EventType } from '@openlgsp/contracts';
import { createEvent, toNatsMessage, type LgspEvent } from '@openlgsp/events';

/**
 * A catalogue fact as the catalogue service would publish it (its source, contract subject and
 * `Nats-Msg-Id`), so a service that follows the catalogue is tested without starting it.
 */
export async function publishCatalogueEvent<T>(
  js: JetStreamClient,
  type: EventType,
  data: T,
  subject: string,
  agency = 'UBND',
): Promise<LgspEvent<T>> {
  const event = createEvent(type, data, {
    source: '/openlgsp/catalogue',
    subject,
    dataschema: contractFor(type).schemaId,
    agency,
    actor: 'catalogue-test',
  });
  const { headers, body } = toNatsMessage(event);
  await js.publish(contractFor(type).subject, body, { headers, msgID: event.id });
  return event;
}
