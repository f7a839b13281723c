import type { IncomingMessage, ServerResponse } from 'node:http';

/** A JSON body or gateway payload: they come in many shapes, and the stand-in reads them loosely. */
export type Json = Record<string, any>;

export interface UploadedFile {
  /** The form field, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string | null;
  data: Buffer;
}

export interface ParsedBody {
  raw: Buffer;
  /** The JSON body, or multipart's payload_json; undefined when there is none. */
  json: unknown;
  files: UploadedFile[];
  /** Set when the body could not be parsed. */
  error?: string;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  const type = (contentType ?? '').toLowerCase();
  if (raw.length === 0) return { raw, json: undefined, files: [] };
  if (type.startsWith('application/json')) {
    try {
      return { raw, json: JSON.parse(raw.toString('utf8')), files: [] };
    } catch (error) {
      return { raw, json: undefined, files: [], error: `invalid JSON: ${(error as Error).message}` };
    }
  }
  if (type.startsWith('multipart/form-data')) {
    try {
      const form = await new Response(raw, { headers: { 'content-type': contentType ?? '' } }).formData();
      let json: unknown;
      const files: UploadedFile[] = [];
      for (const [field, value] of form.entries()) {
        if (typeof value === 'string') {
          if (field === 'payload_json') json = JSON.parse(value);
          continue;
        }
        const file = value as Blob & { name?: string };
        files.push({
          field,
          filename: file.name ?? field,
          contentType: file.type || null,
          data: Buffer.from(await file.arrayBuffer()),
        });
      }
      return { raw, json, files };
    } catch (error) {
      return { raw, json: undefined, files: [], error: `invalid multipart body: ${(error as Error).message}` };
    }
  }
  return { raw, json: undefined, files: [], error: `unsupported content type '${contentType ?? ''}'` };
}

/** JSON answer; 204 goes out with no body and no Content-Type (discord.js would try to parse it). */
export function send(res: ServerResponse, status: number, body?: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status === 200 && body === undefined ? 204 : status, headers);
    res.end();
    return;
  }
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': String(payload.length) });
  res.end(payload);
}

/** A Discord-shaped error body. */
export function discordError(code: number, message: string) {
  return { code, message };
}
