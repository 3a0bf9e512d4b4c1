import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:cluster';
import { Redis } from 'ioredis';
import type { Membership } from './invalidation.ts';
import { redact } from '../storage/database.ts';

/** One invalidation, as sent to the other processes serving the same site. */
export interface InvalidationMessage {
  keys: string[];
  /** The story's listings after the change, so peers judge its next update exactly too. */
  membership?: [number, Membership];
}

/**
 * Carries invalidations to every other process. `publish` resolves once each peer has applied the message
 * (or after a bounded wait if a peer is gone), so "the API answered" means "no process serves the old page".
 */
export interface Fanout {
  readonly kind: string;
  /** Name of this process's subscription where the transport has one (Redis CLIENT SETNAME), for operators. */
  readonly subscriberName?: string;
  publish(msg: InvalidationMessage): Promise<void>;
  close(): Promise<void>;
}

export type RemoteHandler = (msg: InvalidationMessage) => void;

const ACK_TIMEOUT_MS = 1000;

// ---------- node:cluster IPC ----------

interface IpcInvalidate {
  toasoan: 'invalidate';
  id: string;
  msg: InvalidationMessage;
}
interface IpcDone {
  toasoan: 'invalidated';
  id: string;
}
interface IpcAck {
  toasoan: 'ack';
  id: string;
}

/** Worker side of the cluster fan-out: sends through the primary, applies what other workers send. */
export function ipcFanout(onRemote: RemoteHandler): Fanout {
  const waiting = new Map<string, () => void>();
  const listener = (raw: unknown) => {
    const m = raw as IpcInvalidate | IpcDone;
    if (m?.toasoan === 'invalidate') {
      onRemote(m.msg);
      process.send?.({ toasoan: 'ack', id: m.id } satisfies IpcAck);
    } else if (m?.toasoan === 'invalidated') {
      waiting.get(m.id)?.();
    }
  };
  process.on('message', listener);
  return {
    kind: 'ipc',
    async publish(msg) {
      if (!process.send || !process.connected) return;
      const id = randomUUID();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ACK_TIMEOUT_MS);
        function done() {
          clearTimeout(timer);
          waiting.delete(id);
          resolve();
        }
        waiting.set(id, done);
        process.send!({ toasoan: 'invalidate', id, msg } satisfies IpcInvalidate);
      });
    },
    async close() {
      process.off('message', listener);
    },
  };
}

/** Primary side: relays a worker's invalidation to every other worker and reports back when all applied it. */
export function relayInvalidations(workers: () => Worker[]): (from: Worker, raw: unknown) => void {
  const pending = new Map<string, { origin: Worker; left: Set<number>; timer: NodeJS.Timeout }>();
  const finish = (id: string) => {
    const p = pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(id);
    if (p.origin.isConnected()) p.origin.send({ toasoan: 'invalidated', id } satisfies IpcDone);
  };
  return (from, raw) => {
    const m = raw as IpcInvalidate | IpcAck;
    if (m?.toasoan === 'invalidate') {
      const peers = workers().filter((w) => w !== from && w.isConnected());
      pending.set(m.id, { origin: from, left: new Set(peers.map((w) => w.id)), timer: setTimeout(() => finish(m.id), ACK_TIMEOUT_MS) });
      for (const w of peers) w.send(m);
      if (peers.length === 0) finish(m.id);
    } else if (m?.toasoan === 'ack') {
      const p = pending.get(m.id);
      if (!p) return;
      p.left.delete(from.id);
      if (p.left.size === 0) finish(m.id);
    }
  };
}

// ---------- Redis pub/sub ----------

interface RedisEnvelope {
  id: string;
  origin: string;
  msg: InvalidationMessage;
}

/**
 * Fan-out across machines: every process subscribes to one channel; the sender counts the subscribers PUBLISH reached
 * and waits for that many acknowledgements (less itself) on the ack channel.
 */
export async function redisFanout(url: string, channel: string, onRemote: RemoteHandler, onGap: () => void = () => {}): Promise<Fanout> {
  const node = randomUUID();
  const ackChannel = `${channel}:ack:${node}`;
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3000 });
  const subscriberName = `toasoan-cache-sub-${node}`;
  const sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3000, connectionName: subscriberName });
  // ioredis reconnects by itself; one line per outage instead of a stack trace per attempt.
  let down = false;
  for (const client of [pub, sub]) {
    client.on('error', (err: Error) => {
      if (down) return;
      down = true;
      console.error(`Redis (${redact(url)}): ${err.message}; đang kết nối lại.`);
    });
    client.on('ready', () => (down = false));
  }
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (err) {
    // Without this the clients kept retrying in the background and a one-process `serve` never exited.
    pub.disconnect();
    sub.disconnect();
    throw new Error(`Không kết nối được Redis tại REDIS_URL=${redact(url)}: ${(err as Error).message}`, { cause: err });
  }
  const waiting = new Map<string, { acked: number; expected: number; done: () => void }>();
  sub.on('message', (ch: string, text: string) => {
    let env: RedisEnvelope | { id: string };
    try {
      env = JSON.parse(text) as RedisEnvelope | { id: string };
    } catch {
      return;
    }
    if (ch === channel) {
      const e = env as RedisEnvelope;
      if (e.origin === node || !Array.isArray(e.msg?.keys)) return;
      onRemote(e.msg);
      void pub.publish(`${channel}:ack:${e.origin}`, JSON.stringify({ id: e.id })).catch(() => {});
    } else if (ch === ackChannel) {
      const w = waiting.get(env.id);
      if (!w) return;
      w.acked++;
      if (w.expected >= 0 && w.acked >= w.expected) w.done();
    }
  });
  await sub.subscribe(channel, ackChannel);
  // Messages sent while the subscription was down are lost: whatever they named may be stale here, so start over.
  let connected = true;
  sub.on('close', () => (connected = false));
  sub.on('ready', () => {
    if (!connected) onGap();
    connected = true;
  });
  return {
    kind: 'redis',
    subscriberName,
    async publish(msg) {
      const id = randomUUID();
      let resolveDone!: () => void;
      const done = new Promise<void>((r) => (resolveDone = r));
      const entry = { acked: 0, expected: -1, done: resolveDone };
      waiting.set(id, entry);
      const timer = setTimeout(resolveDone, ACK_TIMEOUT_MS);
      try {
        const receivers = await pub.publish(channel, JSON.stringify({ id, origin: node, msg } satisfies RedisEnvelope));
        // Acks may already have arrived while PUBLISH was answering.
        entry.expected = receivers - 1;
        if (entry.acked >= entry.expected) resolveDone();
        await done;
      } finally {
        clearTimeout(timer);
        waiting.delete(id);
      }
    },
    async close() {
      sub.disconnect();
      pub.disconnect();
    },
  };
}
