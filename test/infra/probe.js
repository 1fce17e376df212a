#!/usr/bin/env node
// Dependency-free health probes for the local test servers (only Node built-ins, so
// `infra.sh up` works before `npm ci`). Each probe speaks the server's own wire protocol:
//
//   node test/infra/probe.js redis 127.0.0.1:6390   PING + INFO server + SPUBLISH (Redis >= 7)
//   node test/infra/probe.js kafka 127.0.0.1:19092  ApiVersions + Metadata (broker listed, controller known)
//   node test/infra/probe.js mongo 127.0.0.1:27027  OP_MSG ping + buildInfo
//   node test/infra/probe.js stun 127.0.0.1:13478   STUN Binding over TCP (coturn; SOFTWARE attribute)
//
// Options: --timeout <ms> (default 3000), --json (print the result as JSON).
// Exit 0 = healthy (one summary line on stdout), 1 = unhealthy (reason on stderr),
// 2 = reachable but wrong version (e.g. Redis < 7).
'use strict';

const net = require('node:net');

/** Opens a TCP connection, sends `payload`, resolves with the bytes once `complete(buf)` says so. */
function exchange(hostPort, payload, complete, timeoutMs) {
  const { host, port } = splitHostPort(hostPort);
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const sock = net.createConnection({ host, port });
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(
      () => finish(new Error(`timeout after ${timeoutMs}ms talking to ${host}:${port}`)),
      timeoutMs,
    );
    sock.on('connect', () => sock.write(payload));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let result;
      try {
        result = complete(buf);
      } catch (e) {
        finish(e);
        return;
      }
      if (result !== undefined) finish(null, result);
    });
    sock.on('error', (e) => finish(new Error(`${host}:${port}: ${e.code || e.message}`)));
    sock.on('close', () => finish(new Error(`${host}:${port}: connection closed before a full reply`)));
  });
}

function splitHostPort(hostPort) {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) throw new Error(`expected host:port, got ${hostPort}`);
  return { host: hostPort.slice(0, i), port: Number(hostPort.slice(i + 1)) };
}

// ---------------------------------------------------------------------------------------------
// Redis (RESP2)

/** Parses one RESP reply from buf; undefined if incomplete. Errors become {error}. */
function parseResp(buf, off = 0) {
  const eol = buf.indexOf('\r\n', off);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[off]);
  const line = buf.toString('utf8', off + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: { error: line }, end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return undefined;
      return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
    }
    case '*': {
      const n = Number(line);
      const items = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseResp(buf, p);
        if (r === undefined) return undefined;
        items.push(r.value);
        p = r.end;
      }
      return { value: items, end: p };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

function respCommand(...args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

async function probeRedis(hostPort, timeoutMs) {
  // Pipeline three commands and wait for three replies.
  const payload = Buffer.from(
    respCommand('PING') + respCommand('INFO', 'server') + respCommand('SPUBLISH', 'im-infra-probe', 'x'),
  );
  const replies = await exchange(
    hostPort,
    payload,
    (buf) => {
      const out = [];
      let p = 0;
      for (let i = 0; i < 3; i++) {
        const r = parseResp(buf, p);
        if (r === undefined) return undefined;
        out.push(r.value);
        p = r.end;
      }
      return out;
    },
    timeoutMs,
  );
  const [pong, info, spublish] = replies;
  if (pong !== 'PONG') throw new Error(`PING answered ${JSON.stringify(pong)}`);
  const version = /redis_version:([^\r\n]+)/.exec(String(info))?.[1] ?? 'unknown';
  const major = Number(version.split('.')[0]);
  const result = { ok: true, version, summary: `redis ${version} PONG, SPUBLISH ok` };
  if (!(major >= 7) || (spublish && typeof spublish === 'object' && 'error' in spublish)) {
    const e = new Error(
      `redis ${version} at ${hostPort} is too old: sharded pub/sub (SPUBLISH) needs Redis >= 7` +
        (spublish && spublish.error ? ` (SPUBLISH: ${spublish.error})` : ''),
    );
    e.exitCode = 2;
    throw e;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Kafka (classic binary protocol, non-flexible request versions only)

const API_NAMES = {
  0: 'Produce',
  1: 'Fetch',
  2: 'ListOffsets',
  3: 'Metadata',
  8: 'OffsetCommit',
  9: 'OffsetFetch',
  10: 'FindCoordinator',
  11: 'JoinGroup',
  12: 'Heartbeat',
  13: 'LeaveGroup',
  14: 'SyncGroup',
  15: 'DescribeGroups',
  16: 'ListGroups',
  17: 'SaslHandshake',
  18: 'ApiVersions',
  19: 'CreateTopics',
  20: 'DeleteTopics',
  21: 'DeleteRecords',
  22: 'InitProducerId',
  24: 'AddPartitionsToTxn',
  25: 'AddOffsetsToTxn',
  26: 'EndTxn',
  28: 'TxnOffsetCommit',
  32: 'DescribeConfigs',
  33: 'AlterConfigs',
  36: 'SaslAuthenticate',
  37: 'CreatePartitions',
  42: 'DeleteGroups',
};

let correlation = 1;

function kafkaRequest(apiKey, apiVersion, body) {
  const clientId = Buffer.from('im-infra-probe');
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  const corr = correlation++;
  header.writeInt32BE(corr, 4);
  header.writeInt16BE(clientId.length, 8);
  const msg = Buffer.concat([header, clientId, body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(msg.length, 0);
  return { corr, payload: Buffer.concat([size, msg]) };
}

function kafkaFramed(buf) {
  if (buf.length < 4) return undefined;
  const size = buf.readInt32BE(0);
  if (buf.length < 4 + size) return undefined;
  return buf.subarray(4, 4 + size);
}

class Reader {
  constructor(buf) {
    this.buf = buf;
    this.off = 0;
  }
  int8() {
    const v = this.buf.readInt8(this.off);
    this.off += 1;
    return v;
  }
  int16() {
    const v = this.buf.readInt16BE(this.off);
    this.off += 2;
    return v;
  }
  int32() {
    const v = this.buf.readInt32BE(this.off);
    this.off += 4;
    return v;
  }
  string() {
    const len = this.int16();
    if (len < 0) return null;
    const s = this.buf.toString('utf8', this.off, this.off + len);
    this.off += len;
    return s;
  }
}

/** ApiVersions v0 (every broker version answers it): returns {apiKey: {min, max}}. */
async function kafkaApiVersions(hostPort, timeoutMs = 3000) {
  const { corr, payload } = kafkaRequest(18, 0, Buffer.alloc(0));
  const frame = await exchange(hostPort, payload, kafkaFramed, timeoutMs);
  const r = new Reader(frame);
  if (r.int32() !== corr) throw new Error('ApiVersions: correlation id mismatch');
  const errorCode = r.int16();
  if (errorCode !== 0) throw new Error(`ApiVersions: error code ${errorCode}`);
  const n = r.int32();
  const apis = {};
  for (let i = 0; i < n; i++) {
    const key = r.int16();
    apis[key] = { name: API_NAMES[key] ?? `api${key}`, min: r.int16(), max: r.int16() };
  }
  return apis;
}

/** Metadata v4..v8 (non-flexible) for all topics: brokers, cluster id, controller id. */
async function kafkaMetadata(hostPort, apis, timeoutMs = 3000) {
  const md = apis[3];
  if (!md) throw new Error('broker does not advertise the Metadata API');
  const version = Math.max(md.min, 4);
  if (version > Math.min(md.max, 8)) {
    throw new Error(`no common non-flexible Metadata version (broker ${md.min}-${md.max}, probe 4-8)`);
  }
  const body = Buffer.alloc(version >= 8 ? 7 : 5);
  body.writeInt32BE(-1, 0); // topics: null = all topics
  body.writeInt8(0, 4); // allow_auto_topic_creation
  // v8+: include_cluster_authorized_operations, include_topic_authorized_operations = false
  const { corr, payload } = kafkaRequest(3, version, body);
  const frame = await exchange(hostPort, payload, kafkaFramed, timeoutMs);
  const r = new Reader(frame);
  if (r.int32() !== corr) throw new Error('Metadata: correlation id mismatch');
  r.int32(); // throttle_time_ms
  const brokers = [];
  const nb = r.int32();
  for (let i = 0; i < nb; i++) {
    brokers.push({ nodeId: r.int32(), host: r.string(), port: r.int32(), rack: r.string() });
  }
  const clusterId = r.string();
  const controllerId = r.int32();
  return { version, brokers, clusterId, controllerId };
}

async function probeKafka(hostPort, timeoutMs) {
  const apis = await kafkaApiVersions(hostPort, timeoutMs);
  const md = await kafkaMetadata(hostPort, apis, timeoutMs);
  const { host, port } = splitHostPort(hostPort);
  if (!md.brokers.some((b) => b.host === host && b.port === port)) {
    throw new Error(`Metadata does not list ${hostPort} yet (brokers: ${JSON.stringify(md.brokers)})`);
  }
  if (md.controllerId < 0) throw new Error('Metadata: no active controller yet');
  const produce = apis[0];
  return {
    ok: true,
    clusterId: md.clusterId,
    controllerId: md.controllerId,
    brokers: md.brokers,
    apis,
    summary:
      `kafka cluster ${md.clusterId} brokers=${md.brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).join(',')}` +
      ` controller=${md.controllerId} Produce v${produce ? `${produce.min}-${produce.max}` : '?'}`,
  };
}

// ---------------------------------------------------------------------------------------------
// MongoDB wire protocol (OP_MSG) with a minimal BSON encoder/decoder

function bsonDoc(fields) {
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    const name = Buffer.concat([Buffer.from(k), Buffer.from([0])]);
    if (typeof v === 'number') {
      const b = Buffer.alloc(4);
      b.writeInt32LE(v, 0);
      parts.push(Buffer.from([0x10]), name, b);
    } else {
      const s = Buffer.concat([Buffer.from(String(v)), Buffer.from([0])]);
      const len = Buffer.alloc(4);
      len.writeInt32LE(s.length, 0);
      parts.push(Buffer.from([0x02]), name, len, s);
    }
  }
  const body = Buffer.concat([...parts, Buffer.from([0])]);
  const len = Buffer.alloc(4);
  len.writeInt32LE(body.length + 4, 0);
  return Buffer.concat([len, body]);
}

/** Top-level fields of a BSON document (numbers, strings, booleans; nested values skipped). */
function bsonTopLevel(buf, off = 0) {
  const end = off + buf.readInt32LE(off);
  let p = off + 4;
  const out = {};
  while (p < end - 1) {
    const type = buf[p++];
    const z = buf.indexOf(0, p);
    const key = buf.toString('utf8', p, z);
    p = z + 1;
    switch (type) {
      case 0x01:
        out[key] = buf.readDoubleLE(p);
        p += 8;
        break;
      case 0x02: {
        const l = buf.readInt32LE(p);
        out[key] = buf.toString('utf8', p + 4, p + 4 + l - 1);
        p += 4 + l;
        break;
      }
      case 0x03:
      case 0x04:
        p += buf.readInt32LE(p);
        break;
      case 0x05:
        p += 4 + 1 + buf.readInt32LE(p);
        break;
      case 0x07:
        p += 12;
        break;
      case 0x08:
        out[key] = buf[p] === 1;
        p += 1;
        break;
      case 0x09:
      case 0x11:
        p += 8;
        break;
      case 0x0a:
        out[key] = null;
        break;
      case 0x10:
        out[key] = buf.readInt32LE(p);
        p += 4;
        break;
      case 0x12:
        out[key] = Number(buf.readBigInt64LE(p));
        p += 8;
        break;
      case 0x13:
        p += 16;
        break;
      default:
        return out; // unknown type: stop, keep what we have
    }
  }
  return out;
}

let requestId = 1;

async function mongoCommand(hostPort, cmd, timeoutMs) {
  const doc = bsonDoc(cmd);
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + 4 + 1 + doc.length, 0);
  header.writeInt32LE(requestId++, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(2013, 12); // OP_MSG
  const payload = Buffer.concat([header, Buffer.alloc(4), Buffer.from([0]), doc]);
  const reply = await exchange(
    hostPort,
    payload,
    (buf) => (buf.length >= 4 && buf.length >= buf.readInt32LE(0) ? buf : undefined),
    timeoutMs,
  );
  if (reply.readInt32LE(12) !== 2013) throw new Error(`unexpected reply opcode ${reply.readInt32LE(12)}`);
  if (reply[20] !== 0) throw new Error('unexpected OP_MSG section kind');
  return bsonTopLevel(reply, 21);
}

async function probeMongo(hostPort, timeoutMs) {
  const ping = await mongoCommand(hostPort, { ping: 1, $db: 'admin' }, timeoutMs);
  if (ping.ok !== 1) throw new Error(`ping answered ${JSON.stringify(ping)}`);
  const info = await mongoCommand(hostPort, { buildInfo: 1, $db: 'admin' }, timeoutMs);
  const ferret = info.ferretdbVersion ? ` (FerretDB ${info.ferretdbVersion})` : '';
  return {
    ok: true,
    version: info.version,
    ferretdbVersion: info.ferretdbVersion ?? null,
    summary: `mongodb wire ${info.version ?? '?'}${ferret} ping ok`,
  };
}

// ---------------------------------------------------------------------------------------------

// --- STUN (RFC 5389): a Binding request over TCP; the success answer names the server (SOFTWARE).
const STUN_MAGIC = 0x2112a442;

function stunFramed(buf) {
  return buf.length >= 20 && buf.length >= 20 + buf.readUInt16BE(2) ? buf.subarray(0, 20 + buf.readUInt16BE(2)) : null;
}

async function probeStun(hostPort, timeoutMs) {
  const req = Buffer.alloc(20);
  req.writeUInt16BE(0x0001, 0); // Binding request
  req.writeUInt32BE(STUN_MAGIC, 4);
  require('node:crypto').randomBytes(12).copy(req, 8);
  const res = await exchange(hostPort, req, stunFramed, timeoutMs);
  if (res.readUInt16BE(0) !== 0x0101 || !res.subarray(8, 20).equals(req.subarray(8, 20))) {
    throw new Error(`not a STUN Binding success (type 0x${res.readUInt16BE(0).toString(16)})`);
  }
  let software = 'unknown server';
  for (let off = 20; off + 4 <= res.length;) {
    const type = res.readUInt16BE(off);
    const len = res.readUInt16BE(off + 2);
    if (type === 0x8022) software = res.subarray(off + 4, off + 4 + len).toString('utf8');
    off += 4 + Math.ceil(len / 4) * 4;
  }
  return { software, summary: `STUN Binding ok (${software})` };
}

// ---------------------------------------------------------------------------------------------
// S3: an anonymous `GET /` must get an S3 answer (XML; 403 AccessDenied when the server requires
// credentials, as ours does).

function probeS3(hostPort, timeoutMs) {
  const { host, port } = splitHostPort(hostPort);
  return new Promise((resolve, reject) => {
    const req = require('node:http').get({ host, port, path: '/', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        if (!/<(Error|ListAllMyBucketsResult)\b/.test(body))
          return reject(new Error(`GET / answered ${res.statusCode} without an S3 XML body`));
        const server = res.headers.server ?? 'S3';
        resolve({ ok: true, server, summary: `${server} answered GET / with ${res.statusCode}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------

const PROBES = { redis: probeRedis, kafka: probeKafka, mongo: probeMongo, stun: probeStun, s3: probeS3 };

async function main(argv) {
  const args = [...argv];
  let timeoutMs = 3000;
  let json = false;
  for (let i = 0; i < args.length;) {
    if (args[i] === '--timeout') {
      timeoutMs = Number(args[i + 1]);
      args.splice(i, 2);
    } else if (args[i] === '--json') {
      json = true;
      args.splice(i, 1);
    } else i++;
  }
  const [kind, hostPort] = args;
  const probe = PROBES[kind];
  if (!probe || !hostPort) {
    process.stderr.write('usage: probe.js redis|kafka|mongo|stun|s3 host:port [--timeout ms] [--json]\n');
    return 64;
  }
  try {
    const result = await probe(hostPort, timeoutMs);
    process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${result.summary}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${kind} ${hostPort}: ${e.message}\n`);
    return e.exitCode ?? 1;
  }
}

module.exports = {
  probeRedis,
  probeKafka,
  probeMongo,
  probeStun,
  probeS3,
  kafkaApiVersions,
  kafkaMetadata,
  mongoCommand,
};

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
