// The local platform's one HTTP entry point: /<service>/… → that service, headers and bodies streamed
// through. The same rules as the compose gateway (deploy/compose.yaml gateway-conf) and the k8s
// ingress: operators' endpoints stay inside, a body over the limit is a 413 problem+json whatever its
// size or encoding, and a service's early answer (a 413, a 401 before an upload) reaches the caller.
import http from 'node:http';

/** Largest body the gateway lets through (open-data uploads reach 200 MB); each service bounds its own. */
export const GATEWAY_BODY_LIMIT = 210 * 1024 * 1024;
/** What the gateway reads and discards after refusing a body, so the caller hears the refusal. */
const DRAIN_LIMIT = 256 * 1024 * 1024;

/** Operators' endpoints: scraped and probed on each service's own port, never through the entry point. */
const INTERNAL = /^\/[^/?#]+\/(metrics|health\/ready)(\/|\?|#|$)/;

function problem(res, status, title, detail, code) {
  if (res.headersSent) return res.destroy();
  const body = JSON.stringify({ type: 'about:blank', title, status, detail, ...(code ? { code } : {}) });
  res.writeHead(status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Reads and discards the rest of a request body (bounded), then lets the connection close if it must. */
function drain(req) {
  let read = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk) => {
    read += chunk.length;
    if (read > DRAIN_LIMIT) req.destroy();
  });
  req.resume();
}

/**
 * @param {Map<string, number>} routes service name → its HTTP port on 127.0.0.1
 * @param {{ bodyLimit?: number }} [options]
 * @returns {http.Server}
 */
export function createGateway(routes, options = {}) {
  const bodyLimit = options.bodyLimit ?? GATEWAY_BODY_LIMIT;
  return http.createServer((req, res) => {
    // The operator console is served by the audit service; /console/ is its short address.
    if (/^\/console(\/|\?|$)/.test(req.url) && routes.has('audit')) {
      drain(req);
      res.writeHead(302, { location: `/audit${req.url.replace(/^\/console\/?/, '/console/')}` });
      return res.end();
    }
    const service = req.url.split('/')[1]?.split('?')[0];
    const target = routes.get(service);
    if (!target || INTERNAL.test(req.url)) {
      drain(req);
      return problem(
        res,
        404,
        'Not found',
        target
          ? 'metrics and readiness are served on the service port, not through the entry point'
          : `no service '${service}'; try ${[...routes.keys()].map((s) => `/${s}/`).join(', ')}`,
      );
    }
    const tooLarge = () => {
      drain(req);
      problem(
        res,
        413,
        'Content too large',
        `the request body is larger than the ${bodyLimit} bytes the entry point accepts`,
        'body-too-large',
      );
    };
    const declared = Number(req.headers['content-length']);
    if (declared > bodyLimit) return tooLarge();

    let answered = false;
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: target,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress },
      },
      (answer) => {
        answered = true;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // The service answered before the whole body came (a refusal): the rest is not its business.
        if (!req.complete) {
          req.unpipe(upstream);
          drain(req);
        }
      },
    );
    upstream.on('error', () => {
      // A service that answered and then closed its side while the body was still coming is not down.
      if (answered) return;
      drain(req);
      problem(res, 502, 'Bad gateway', `${service} is not answering`);
    });
    let sent = 0;
    req.on('data', (chunk) => {
      sent += chunk.length;
      if (sent > bodyLimit && !answered) {
        req.unpipe(upstream);
        upstream.destroy();
        tooLarge();
      }
    });
    req.pipe(upstream);
  });
}
