/**
 * The AdmissionReview exchange (admission.k8s.io/v1) of one admitter, as Skipper's admission.Handler does
 * it: POST with a JSON body of at most 3 MiB, the object checked, the UID echoed and a refusal's reason in
 * `response.status.message`. Anything that is not a well-formed review gets a bare 400.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../dataclients/kubernetes/convert/index.ts';
import type { ObjectValidator } from './object-validators.ts';

/** Skipper's maxBodySize: far above any object the API server stores (etcd's default limit is 1.5 MiB). */
export const MAX_REVIEW_BYTES = 3 * 1024 * 1024;

/** What an admitter reports, for logs and metrics. */
export interface AdmissionOutcome {
  admitter: string;
  /** null for a request that was no valid AdmissionReview. */
  allowed: boolean | null;
  namespace?: string;
  name?: string;
  operation?: string;
  reason?: string;
}

interface ReviewRequest {
  uid: string;
  operation?: string;
  namespace?: string;
  name?: string;
  object: KubeObject;
}

class BadReview extends Error {}

function decodeReview(body: string): ReviewRequest {
  let review: unknown;
  try {
    review = JSON.parse(body);
  } catch (err) {
    throw new BadReview(`request body is not JSON: ${(err as Error).message}`);
  }
  const request = (review as { request?: unknown } | null)?.request;
  if (request === null || typeof request !== 'object') throw new BadReview('missing review request');
  const r = request as Record<string, unknown>;
  if (typeof r.uid !== 'string') throw new BadReview('review request without uid');
  if (r.object === null || typeof r.object !== 'object' || Array.isArray(r.object)) throw new BadReview('review request without object');
  const obj = r.object as KubeObject;
  if (obj.metadata !== undefined && (obj.metadata === null || typeof obj.metadata !== 'object')) throw new BadReview('object metadata is not an object');
  const annotations = obj.metadata?.annotations;
  if (annotations !== undefined && (annotations === null || typeof annotations !== 'object' || Object.values(annotations).some((v) => typeof v !== 'string'))) {
    throw new BadReview('object annotations are not a map of strings');
  }
  return {
    uid: r.uid, object: obj,
    operation: typeof r.operation === 'string' ? r.operation : undefined,
    namespace: typeof r.namespace === 'string' ? r.namespace : undefined,
    name: typeof r.name === 'string' && r.name !== '' ? r.name : obj.metadata?.name,
  };
}

function readBounded(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      // Not read at all: the connection is closed after the answer instead of draining a huge body.
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => resolve(null));
  });
}

function fail(res: ServerResponse, status: number, closeConnection: boolean): void {
  if (closeConnection) res.setHeader('connection', 'close');
  res.writeHead(status).end();
}

/** An admitter's request handler. `done` sees every outcome, refusals with their reason. */
export function admissionHandler(admitter: string, validate: ObjectValidator, done: (o: AdmissionOutcome) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (req.method !== 'POST' || type !== 'application/json') {
      done({ admitter, allowed: null, reason: `${req.method} with content type "${type}"` });
      fail(res, 400, true);
      return;
    }
    const body = await readBounded(req, MAX_REVIEW_BYTES);
    if (body === null) {
      done({ admitter, allowed: null, reason: `request body over ${MAX_REVIEW_BYTES} bytes` });
      fail(res, 400, true);
      return;
    }
    let review: ReviewRequest;
    let reason: string | null;
    try {
      review = decodeReview(body);
      reason = validate(review.object);
    } catch (err) {
      done({ admitter, allowed: null, reason: (err as Error).message });
      fail(res, 400, false);
      return;
    }
    const { uid, namespace, name, operation } = review;
    done({ admitter, allowed: reason === null, namespace, name, operation, reason: reason ?? undefined });
    const response = reason === null ? { uid, allowed: true } : { uid, allowed: false, status: { message: reason } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', response }));
  };
}
