import { createHmac, timingSafeEqual } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { SMTPServer } from 'smtp-server';

/** A certificate for `localhost` (and 127.0.0.1) that the test hands the runner as its trusted CA. */
export async function localhostTls(): Promise<{ cert: string; key: string }> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpsReceiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 answering each POST with `status(n)` (n counts from 1). */
export async function httpsReceiver(
  tls: { cert: string; key: string },
  status: (n: number) => number = () => 200,
): Promise<HttpsReceiver> {
  const received: Received[] = [];
  const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(status(received.length), { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}/hook`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * What a webhook receiver does: recompute HMAC-SHA256 over `<timestamp>.<body>` with the shared secret,
 * compare in constant time, and refuse timestamps outside the replay window.
 */
export function verifyWebhook(r: Received, secret: string, windowSeconds = 300): boolean {
  const ts = String(r.headers['x-openwatch-timestamp'] ?? '');
  const sig = String(r.headers['x-openwatch-signature'] ?? '');
  if (!/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > windowSeconds) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`);
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want);
}

export interface Mail {
  from: string;
  to: string[];
  user: string | undefined;
  secure: boolean;
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  mails: Mail[];
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on 127.0.0.1: STARTTLS with the given certificate, AUTH required. */
export async function smtpReceiver(
  tls: { cert: string; key: string },
  login: { user: string; pass: string },
): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    cert: tls.cert,
    key: tls.key,
    secure: false,
    authMethods: ['PLAIN', 'LOGIN'],
    // Refuse AUTH before STARTTLS: credentials never cross in the clear.
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === login.user && auth.password === login.pass) cb(null, { user: auth.username });
      else cb(new Error('invalid credentials'));
    },
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
          raw,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.server.address() as AddressInfo;
  return { port, mails, close: () => new Promise((r) => server.close(() => r())) };
}
