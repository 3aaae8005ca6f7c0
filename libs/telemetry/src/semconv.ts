/*
 * Unstable ("incubating") semantic-convention names used by this library, copied from
 * @opentelemetry/semantic-conventions@1.45 `./incubating`, as that package recommends:
 * the incubating entry point may change in minor releases, so it is not imported at runtime.
 * Stable names (service.name, error.type, …) are imported from the package itself.
 */

/** Deprecated in favour of `messaging.system.name`, but still what most backends key on. */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_SYSTEM_NAME = 'messaging.system.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_TEMPLATE = 'messaging.destination.template';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_CLOUDEVENTS_EVENT_TYPE = 'cloudevents.event_type';
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
export const ATTR_SERVICE_INSTANCE_ID = 'service.instance.id';

/**
 * Semconv has no system-neutral delivery-count attribute (only `azure.servicebus.…` and
 * `messaging.gcp_pubsub.message.delivery_attempt`), so NATS gets a system-specific one
 * named the same way.
 */
export const ATTR_MESSAGING_NATS_MESSAGE_DELIVERY_COUNT = 'messaging.nats.message.delivery_count';

export const MESSAGING_SYSTEM_VALUE_NATS = 'nats';
