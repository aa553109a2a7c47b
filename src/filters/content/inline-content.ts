/**
 * inlineContent(text[, type]) answers the request with fixed content; inlineContentIfStatus(code, text
 * [, type]) replaces the body of responses with that status. Without a type it is sniffed once at build
 * time, as Go's DetectContentType would.
 */
import { Readable } from 'node:stream';
import type { Arg } from '../../eskip/index.ts';
import type { FilterContext, FilterInstance, FilterSpec } from '../../routing/filter-contract.ts';
import { argCount, statusArg, stringArg } from '../args.ts';
import { detectContentType } from './sniff.ts';
import { stateless } from '../memo.ts';

function content(filter: string, args: Arg[], at: number): { body: Buffer; type: string; length: string } {
  const body = Buffer.from(stringArg(filter, args, at, 'content'), 'utf8');
  const type = args.length > at + 1 ? stringArg(filter, args, at + 1, 'content type') : detectContentType(body);
  return { body, type, length: String(body.length) };
}

/**
 * One inlineContent instance: the text, its type and byte length, the body bytes made on first use. Big
 * tables have many routes with content of their own; a Buffer and a closure each cost ≈ 250 B more.
 */
class InlineContent implements FilterInstance {
  readonly #text: string;
  readonly #type: string;
  readonly #length: string;
  #body: Buffer | null = null;
  constructor(text: string, type: string, length: number) {
    this.#text = text;
    this.#type = type;
    this.#length = String(length);
  }

  get name(): string {
    return 'inlineContent';
  }

  request(ctx: FilterContext): void {
    const body = (this.#body ??= Buffer.from(this.#text, 'utf8'));
    ctx.serve({
      status: 200,
      headers: { 'content-type': this.#type, 'content-length': this.#length },
      body: Readable.from([body], { objectMode: false }),
    });
  }
}

export const inlineContent: FilterSpec = stateless({
  name: 'inlineContent',
  create(args: Arg[]): FilterInstance {
    argCount('inlineContent', args, 1, 2);
    const text = stringArg('inlineContent', args, 0, 'content');
    if (args.length > 1) {
      const type = stringArg('inlineContent', args, 1, 'content type');
      return new InlineContent(text, type, Buffer.byteLength(text, 'utf8'));
    }
    const body = Buffer.from(text, 'utf8');
    return new InlineContent(text, detectContentType(body), body.length);
  },
});

export const inlineContentIfStatus: FilterSpec = {
  name: 'inlineContentIfStatus',
  create(args: Arg[]): FilterInstance {
    argCount('inlineContentIfStatus', args, 2, 3);
    const code = statusArg('inlineContentIfStatus', args, 0);
    const { body, type, length } = content('inlineContentIfStatus', args, 1);
    return {
      name: 'inlineContentIfStatus',
      response(ctx: FilterContext): void {
        const rsp = ctx.response!;
        if (rsp.status !== code) return;
        // The replaced body is not read: destroying it releases the backend connection.
        rsp.body?.destroy();
        // The new body is not encoded; a backend's Content-Encoding would make clients mis-decode it.
        delete rsp.headers['content-encoding'];
        delete rsp.headers['transfer-encoding'];
        rsp.headers['content-type'] = type;
        rsp.headers['content-length'] = length;
        rsp.body = Readable.from([body], { objectMode: false });
      },
    };
  },
};
