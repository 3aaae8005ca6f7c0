import { createServer } from 'node:net';

/** The default NATS and MongoDB ports: shared servers may live there, so they are never handed out. */
const RESERVED = new Set([4222, 27017]);

/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(port));
      });
    });
    if (port > 0 && !RESERVED.has(port)) return port;
  }
}
