// A loopback TCP proxy a test can cut and restore, to take the database away from a running service,
// or freeze and thaw, to make it go silent the way a vanished host does (nothing refused, nothing reset).
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Refuse new connections and cut the open ones. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Stop carrying bytes either way, on open connections and on new ones, resetting none. */
  freeze(): void;
  /** Carry on: what was held is delivered. */
  thaw(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let frozen = false;
  // Connections accepted while frozen: joined to the target at the thaw.
  const waiting: Array<() => void> = [];

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const join = ([client, upstream]: [net.Socket, net.Socket]) => {
    client.pipe(upstream).pipe(client);
  };
  const server = net.createServer((client) => {
    track(client);
    const connect = () => {
      const upstream = net.connect(targetPort, targetHost);
      track(upstream);
      const pair: [net.Socket, net.Socket] = [client, upstream];
      pairs.add(pair);
      join(pair);
      client.on('close', () => {
        pairs.delete(pair);
        upstream.destroy();
      });
      upstream.on('close', () => client.destroy());
    };
    if (!frozen) connect();
    else {
      client.pause();
      waiting.push(connect);
    }
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const destroyAll = async () => {
    const closed = stopListening();
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    port,
    cut: destroyAll,
    restore: () => listen(port),
    freeze() {
      frozen = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    thaw() {
      frozen = false;
      for (const pair of pairs) join(pair);
      for (const connect of waiting.splice(0)) connect();
    },
    close: destroyAll,
  };
}
