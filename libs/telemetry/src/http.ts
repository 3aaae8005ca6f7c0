import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';

/**
 * A router's path pattern in the `{param}` form the HTTP conventions use for `http.route`:
 * Fastify's `/sharing/requests/:id/approval` (or `:id(^\\d+)`) becomes `/sharing/requests/{id}/approval`.
 */
export function httpRouteTemplate(route: string): string {
  return route.replace(/:([A-Za-z_$][\w$]*)(\([^)]*\))?/g, '{$1}');
}

/**
 * Names the active HTTP server span `{method} {route}` and sets `http.route` (HTTP conventions),
 * once the router knows the route. Without a route (no route matched) the span keeps its name,
 * the method alone, as the conventions ask: the raw path would make names of unbounded cardinality.
 * The route also goes to the HTTP instrumentation's RPC metadata, which names the span again with it
 * when the response ends and puts it on the request-duration metric.
 */
export function nameHttpServerSpan(method: string, route: string | undefined): void {
  if (!route) return;
  const template = httpRouteTemplate(route);
  const span = trace.getActiveSpan();
  span?.setAttribute(ATTR_HTTP_ROUTE, template).updateName(`${method} ${template}`);
  const rpc = getRPCMetadata(context.active());
  if (rpc?.type === RPCType.HTTP) rpc.route = template;
}
