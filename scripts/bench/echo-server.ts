// Reference servers for the benchmark: the same JSON echo on bare node:http and on Koa +
// koa-bodyparser. Prints its port on stdout once listening.
import http from 'node:http';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';

const kind = process.argv[2];
let server: http.Server;
if (kind === 'node_http') {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
} else if (kind === 'koa') {
  const app = new Koa();
  app.use(bodyParser({ enableTypes: ['json'] }));
  app.use((ctx) => {
    ctx.body = ctx.request.body;
  });
  const handle = app.callback();
  server = http.createServer((req, res) => void handle(req, res));
} else {
  throw new Error('usage: echo-server.ts node_http|koa');
}
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${address.port}\n`);
});
