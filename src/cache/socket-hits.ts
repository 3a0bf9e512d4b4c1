import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { HitHeaders, PreparedResponse } from './http.ts';

/**
 * Cache hits answered on the TCP socket, before Node's HTTP parser and ServerResponse.
 *
 * Node's HTTP stack costs more per request than writing the prepared bytes (measured in docs/PERFORMANCE.md), so a
 * keep-alive connection starts here: each request whose head is plain HTTP/1.1 GET or HEAD and that the page cache can
 * answer gets prepared bytes in one write. The first request that is anything else (a miss, a body, a malformed or
 * unusual head, HTTP/1.0, an upgrade) hands the connection, with every byte not yet answered, to Node's own HTTP
 * server for good: parsing errors, limits and timeouts there stay Node's. This code only ever answers requests it
 * fully understood; when in doubt it hands over.
 */
export interface SocketHitSource {
  answer(method: string, url: string, headers: HitHeaders): PreparedResponse | undefined;
  /**
   * A miss the source can answer without the application (a story page joined from stored parts): the promise of its
   * answer, or of undefined when it turned out to need the application after all; undefined at once when it is not
   * such a miss. The connection waits for it: nothing behind it is read, so answers keep the order of requests.
   */
  answerMiss?(method: string, url: string, headers: HitHeaders): Promise<PreparedResponse | undefined> | undefined;
}

export interface SocketHitStats {
  /** Cache hits answered on the socket. */
  answered: number;
  /** Misses answered on the socket (answerMiss). */
  missesAnswered: number;
  /** Connections handed to Node's HTTP server. */
  handedOff: number;
}

export interface SocketHitOptions {
  /** Also answer misses with `source.answerMiss` (off: every miss goes to the application, which logs requests). */
  misses?: boolean;
}

/** Node's default --max-http-header-size: a longer head goes to Node, which answers 431. */
const MAX_HEAD = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
/** Whole-response buffers (head and body in one write) are kept for this many of the hottest answers per second. */
const WHOLE_RESPONSES = 64;
// Anything but visible ASCII in a request target.
const BAD_TARGET = /[^\x21-\x7e]/;

interface ParsedRequest {
  method: string;
  url: string;
  headers: HitHeaders;
  close: boolean;
}

/** RFC 9110 token characters, by code (ASCII only). */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TOKEN_CHAR[c.charCodeAt(0)] = 1;

/** Lowercase ASCII letters of `s` from `start` for `length` characters equal `lower` (already lowercase). */
function namedAs(s: string, start: number, length: number, lower: string): boolean {
  if (length !== lower.length) return false;
  for (let i = 0; i < length; i++) if ((s.charCodeAt(start + i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/**
 * Parses a request head (without its final CRLFCRLF); null when it is not a plain HTTP/1.1 GET/HEAD without a body.
 * Scans the head in place (character codes, no string per line): on this path every microsecond is a share of the
 * response (a profile put the former per-line slices and regular expressions at about 1 µs a request).
 */
export function parseHitRequest(head: string): ParsedRequest | null {
  const lineEnd = head.indexOf('\r\n');
  const requestLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
  const sp1 = requestLine.indexOf(' ');
  const sp2 = requestLine.indexOf(' ', sp1 + 1);
  if (sp1 === -1 || sp2 === -1 || requestLine.indexOf(' ', sp2 + 1) !== -1) return null;
  const method = requestLine.slice(0, sp1);
  if (method !== 'GET' && method !== 'HEAD') return null;
  if (requestLine.slice(sp2 + 1) !== 'HTTP/1.1') return null;
  const url = requestLine.slice(sp1 + 1, sp2);
  if (url.charCodeAt(0) !== 47 /* / */ || BAD_TARGET.test(url)) return null;
  // One shape for every request's headers object: the code reading it stays monomorphic.
  const headers: HitHeaders = { 'accept-encoding': undefined, 'if-none-match': undefined, 'if-modified-since': undefined, cookie: undefined };
  let host = false;
  let close = false;
  let pos = lineEnd === -1 ? head.length : lineEnd + 2;
  while (pos < head.length) {
    let end = head.indexOf('\r\n', pos);
    if (end === -1) end = head.length;
    const colon = head.indexOf(':', pos);
    if (colon === -1 || colon >= end || colon === pos) return null;
    // A bare CR or LF, a control character, or obs-fold / whitespace before the colon: Node decides (400).
    for (let i = pos; i < colon; i++) {
      const c = head.charCodeAt(i);
      if (c >= 128 || TOKEN_CHAR[c] === 0) return null;
    }
    for (let i = colon + 1; i < end; i++) {
      const c = head.charCodeAt(i);
      if ((c < 32 && c !== 9) || c === 127) return null;
    }
    const nameLength = colon - pos;
    const lineStart = pos;
    pos = end + 2;
    let field: keyof HitHeaders | undefined;
    switch (nameLength) {
      case 4:
        if (!namedAs(head, lineStart, 4, 'host')) continue;
        if (host) return null;
        host = true;
        continue;
      case 6:
        if (namedAs(head, lineStart, 6, 'cookie')) field = 'cookie';
        else if (namedAs(head, lineStart, 6, 'expect')) return null;
        break;
      case 7:
        if (namedAs(head, lineStart, 7, 'upgrade')) return null;
        break;
      case 10:
        if (namedAs(head, lineStart, 10, 'connection')) {
          const tokens = valueOf(head, colon, end).toLowerCase().split(',').map((t) => t.trim());
          if (tokens.includes('upgrade')) return null;
          if (tokens.includes('close')) close = true;
        }
        continue;
      case 13:
        if (namedAs(head, lineStart, 13, 'if-none-match')) field = 'if-none-match';
        break;
      case 14:
        if (namedAs(head, lineStart, 14, 'content-length') && valueOf(head, colon, end) !== '0') return null;
        continue;
      case 15:
        if (namedAs(head, lineStart, 15, 'accept-encoding')) field = 'accept-encoding';
        break;
      case 17:
        if (namedAs(head, lineStart, 17, 'if-modified-since')) field = 'if-modified-since';
        else if (namedAs(head, lineStart, 17, 'transfer-encoding')) return null;
        break;
    }
    if (field === undefined) continue;
    if (headers[field] !== undefined) return null;
    headers[field] = valueOf(head, colon, end);
  }
  // HTTP/1.1 requires Host; Node answers 400 without it.
  if (!host) return null;
  return { method, url, headers, close };
}

/** A field's value: what follows the colon up to the line's end, without surrounding spaces and tabs. */
function valueOf(head: string, colon: number, end: number): string {
  let from = colon + 1;
  let to = end;
  while (from < to && (head.charCodeAt(from) === 32 || head.charCodeAt(from) === 9)) from++;
  while (to > from && (head.charCodeAt(to - 1) === 32 || head.charCodeAt(to - 1) === 9)) to--;
  return head.slice(from, to);
}

/**
 * Puts the socket fast path in front of a Node HTTP server: takes over its 'connection' listener, answering hits
 * itself and handing every other connection to Node's listener. Also makes `closeIdleConnections` and
 * `closeAllConnections` (called by `server.close()`) close the connections it holds.
 */
export function answerHitsOnSocket(server: Server, source: SocketHitSource, stats: SocketHitStats = { answered: 0, missesAnswered: 0, handedOff: 0 }, opts: SocketHitOptions = {}): SocketHitStats {
  const nodeListeners = server.listeners('connection') as Array<(socket: Socket) => void>;
  if (nodeListeners.length !== 1) throw new Error('answerHitsOnSocket: expected exactly Node’s own connection listener');
  const nodeConnection = nodeListeners[0]!;
  server.removeListener('connection', nodeConnection);
  const answerMiss = opts.misses && source.answerMiss ? source.answerMiss.bind(source) : undefined;
  const held = new Set<Socket>();
  /** Connections waiting for a miss's answer: a request is in flight, so closing idle connections leaves them. */
  const busy = new Set<Socket>();
  let closing = false;

  let second = 0;
  let dateTail = '';
  let closeTail = '';
  let wholes = new Map<PreparedResponse, Buffer>();
  const refreshDate = () => {
    const now = Date.now();
    const s = Math.floor(now / 1000);
    if (s === second) return;
    second = s;
    const date = new Date(now).toUTCString();
    const keepAlive = server.keepAliveTimeout > 0 ? `keep-alive: timeout=${Math.floor(server.keepAliveTimeout / 1000)}\r\n` : '';
    dateTail = `date: ${date}\r\nconnection: keep-alive\r\n${keepAlive}\r\n`;
    closeTail = `date: ${date}\r\nconnection: close\r\n\r\n`;
    wholes = new Map();
  };

  const write = (socket: Socket, r: PreparedResponse, head: boolean, close: boolean): void => {
    refreshDate();
    const start = r.head + (close ? closeTail : dateTail);
    if (head || (r.body.length === 0 && r.chunks === undefined)) {
      socket.write(start, 'latin1');
      return;
    }
    if (r.chunks !== undefined) {
      // A miss joined from parts: head and chunks in one writev, never kept whole (it is answered once).
      socket.cork();
      socket.write(start, 'latin1');
      for (const c of r.chunks) socket.write(c);
      socket.uncork();
      return;
    }
    if (!close) {
      // The hottest pages go out as one buffer (one write system call); the rest as head and body (writev).
      let whole = wholes.get(r);
      if (whole === undefined && wholes.size < WHOLE_RESPONSES) {
        const headBytes = Buffer.from(start, 'latin1');
        whole = Buffer.concat([headBytes, r.body], headBytes.length + r.body.length);
        wholes.set(r, whole);
      }
      if (whole !== undefined) {
        socket.write(whole);
        return;
      }
    }
    socket.cork();
    socket.write(start, 'latin1');
    socket.write(r.body);
    socket.uncork();
  };

  server.on('connection', (socket: Socket) => {
    if (closing) {
      nodeConnection.call(server, socket);
      return;
    }
    held.add(socket);
    /** Bytes received and not yet answered: the next request's head, then whatever the client pipelined behind it. */
    let pending: Buffer | null = null;
    /** A miss is being answered: the socket is paused, and nothing behind that request is parsed until it is written. */
    let waiting = false;
    let released = false;

    const release = () => {
      if (released) return;
      released = true;
      held.delete(socket);
      busy.delete(socket);
      for (const [event, listener] of listeners) socket.removeListener(event, listener);
    };

    const handOff = () => {
      release();
      stats.handedOff++;
      socket.setTimeout(0);
      // Paused, so the bytes put back wait for Node's parser, which then reads them before anything new.
      socket.pause();
      if (pending && pending.length > 0) socket.unshift(pending);
      pending = null;
      nodeConnection.call(server, socket);
      socket.resume();
    };

    /** After an answer to the request whose head ends at `end`: false when the connection is done with. */
    const answered = (end: number, close: boolean): boolean => {
      if (close) {
        pending = null;
        release();
        socket.end();
        return false;
      }
      pending = pending!.length === end + 4 ? null : pending!.subarray(end + 4);
      return true;
    };

    /** Answers the complete requests in `pending`, in order, until one needs the application or a miss must wait. */
    const serve = (): void => {
      while (pending !== null) {
        const end = pending.indexOf(HEAD_END);
        if (end === -1) {
          if (pending.length > MAX_HEAD) handOff();
          return;
        }
        const req = end <= MAX_HEAD && !closing ? parseHitRequest(pending.toString('latin1', 0, end)) : null;
        if (req === null) return handOff();
        const hit = source.answer(req.method, req.url, req.headers);
        if (hit !== undefined) {
          write(socket, hit, req.method === 'HEAD', req.close);
          stats.answered++;
          if (!answered(end, req.close)) return;
          continue;
        }
        const later = answerMiss?.(req.method, req.url, req.headers);
        if (later === undefined) return handOff();
        // Paused, the socket emits neither data nor end until the answer is written (or the connection handed off).
        waiting = true;
        busy.add(socket);
        socket.pause();
        later.then(
          (r) => afterMiss(req, end, r),
          () => afterMiss(req, end, undefined),
        );
        return;
      }
    };

    const afterMiss = (req: ParsedRequest, end: number, r: PreparedResponse | undefined): void => {
      waiting = false;
      busy.delete(socket);
      // Closed or failed meanwhile: there is nobody to answer.
      if (released || socket.destroyed) return;
      if (r === undefined) return handOff();
      const close = req.close || closing;
      write(socket, r, req.method === 'HEAD', close);
      stats.missesAnswered++;
      if (!answered(end, close)) return;
      serve();
      if (!waiting && !released && !socket.writableNeedDrain) socket.resume();
    };

    function onData(chunk: Buffer) {
      pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
      if (waiting) return;
      serve();
      // A client that does not read its answers is not read from either.
      if (!released && socket.writableNeedDrain) socket.pause();
    }
    function onDrain() {
      if (!waiting) socket.resume();
    }
    function onEnd() {
      // As Node's server does (httpAllowHalfOpen off): a client that ends its side gets no answer still being made.
      release();
      socket.end();
    }
    function onTimeout() {
      // A miss being joined is answered shortly. A half-sent head goes to Node, whose own header timeout then
      // applies; an idle connection is closed.
      if (waiting) return;
      if (pending) handOff();
      else socket.destroy();
    }
    function onError() {
      release();
      socket.destroy();
    }

    const listeners: Array<[string, Parameters<Socket['removeListener']>[1]]> = [['data', onData], ['end', onEnd], ['timeout', onTimeout], ['error', onError], ['drain', onDrain], ['close', release]];
    for (const [event, listener] of listeners) socket.on(event, listener);
    socket.setTimeout(server.keepAliveTimeout > 0 ? server.keepAliveTimeout : 5_000);
  });

  // server.close() closes idle connections; every connection held here is idle between requests, but for those
  // waiting for a miss's answer, which close once it is written (closing makes it `connection: close`).
  const closeIdle = server.closeIdleConnections.bind(server);
  const closeAll = server.closeAllConnections.bind(server);
  const endHeld = (all: boolean) => {
    closing = true;
    for (const socket of held) {
      if (busy.has(socket) && !all) continue;
      // Between requests, but an answer may still be on its way out: let it go, then close.
      if (socket.writableLength === 0) socket.destroy();
      else socket.end();
    }
  };
  server.closeIdleConnections = () => {
    closeIdle();
    endHeld(false);
  };
  server.closeAllConnections = () => {
    closeAll();
    endHeld(true);
  };
  return stats;
}
