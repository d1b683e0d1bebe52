// Tests must never reach the internet: every outbound connection that is not to the
// loopback interface fails loudly, whichever client (undici, node:http, git) opens it.
import net from 'node:net';

const loopback = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
  const first = args[0] as { host?: string; path?: string } | number | string | undefined;
  let host: string | undefined;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    if (first.path === undefined) host = first.host ?? 'localhost';
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    host = typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  if (host !== undefined && !loopback.has(host)) {
    throw new Error(`network access blocked in tests: ${host}`);
  }
  return originalConnect.apply(this, args as Parameters<typeof originalConnect>);
} as typeof net.Socket.prototype.connect;
