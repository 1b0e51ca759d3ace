import { activeLang } from '../i18n/i18n.js';
import { fileNameOf } from '../shared/file-name.js';
import type { LoginResponse, SessionUser } from './types.js';

/** One field-level problem of an RFC 9457 document, as the API sends it. */
export interface FieldProblem {
  code: string;
  path: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A non-2xx answer: the problem document when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldProblem[],
    readonly body: Record<string, unknown>,
    readonly headers: Headers,
  ) {
    super(message);
  }
}

/** The server could not be reached at all (offline, restarting): worth retrying with the same key. */
export class NetworkError extends Error {}

const SESSION_KEY = 'jixiao.session';

export interface Session {
  accessToken: string;
  expiresAt: number;
  user: SessionUser;
}

let session: Session | null = readSession();
const listeners = new Set<() => void>();

function readSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Session;
    return parsed.expiresAt > Date.now() ? parsed : null;
  } catch {
    return null;
  }
}

export const sessionStore = {
  get: () => session,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  set(next: Session | null) {
    session = next;
    try {
      if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
      else sessionStorage.removeItem(SESSION_KEY);
    } catch {
      // storage unavailable: the session lasts as long as the page
    }
    for (const listener of listeners) listener();
  },
};

/** A random id that works outside secure contexts too (crypto.randomUUID needs https or localhost). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': activeLang() === 'en' ? 'en' : 'zh-CN', ...options.headers };
  if (session) headers.authorization = `Bearer ${session.accessToken}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, ...(options.body !== undefined && { body: JSON.stringify(options.body) }), ...(options.signal && { signal: options.signal }) });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new NetworkError((error as Error).message);
  }
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) body = JSON.parse(text);
  if (!response.ok) {
    const problem = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (response.status === 401 && session && !path.startsWith('/auth/')) sessionStore.set(null);
    throw new ApiError(
      response.status,
      typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`,
      typeof problem.detail === 'string' ? problem.detail : response.statusText,
      Array.isArray(problem.errors) ? (problem.errors as FieldProblem[]) : [],
      problem,
      response.headers,
    );
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, signal ? { signal } : {}).then((r) => r.body),
  async login(username: string, password: string): Promise<Session> {
    const { body } = await request<LoginResponse>('POST', '/auth/login', { body: { username, password } });
    const next: Session = { accessToken: body.accessToken, expiresAt: Date.now() + body.expiresIn * 1000, user: body.user };
    sessionStore.set(next);
    return next;
  },
  logout: () => sessionStore.set(null),
};

/** The revision in an ETag: "7" → 7. */
export function revisionOf(headers: Headers): number | null {
  const match = /(\d+)/.exec(headers.get('etag') ?? '');
  return match ? Number(match[1]) : null;
}

/** Progress of a transfer: bytes so far, and the total when the server announced one. */
export interface TransferProgress {
  loaded: number;
  total: number | null;
}

/** The problem document of a failed answer that was read as bytes or text. */
function problemOf(status: number, statusText: string, text: string, headers: Headers): ApiError {
  let problem: Record<string, unknown> = {};
  try {
    if ((headers.get('content-type') ?? '').includes('json') && text) problem = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON after all: the status says what there is to say
  }
  if (status === 401 && session) sessionStore.set(null);
  return new ApiError(
    status,
    typeof problem.code === 'string' ? problem.code : `HTTP_${status}`,
    typeof problem.detail === 'string' ? problem.detail : statusText,
    Array.isArray(problem.errors) ? (problem.errors as FieldProblem[]) : [],
    problem,
    headers,
  );
}

function authHeaders(): Record<string, string> {
  return { 'accept-language': activeLang() === 'en' ? 'en' : 'zh-CN', ...(session && { authorization: `Bearer ${session.accessToken}` }) };
}

/**
 * Fetches an authenticated file (a plain link would carry no bearer token), reporting the bytes
 * as they arrive: exports of many reports and PDFs take a while.
 */
export async function fetchFile(path: string, fallbackName: string, onProgress?: (progress: TransferProgress) => void): Promise<{ blob: Blob; name: string; type: string }> {
  let response: Response;
  try {
    response = await fetch(path, { headers: authHeaders() });
  } catch (error) {
    throw new NetworkError((error as Error).message);
  }
  if (!response.ok) throw problemOf(response.status, response.statusText, await response.text(), response.headers);
  const length = Number(response.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 && !response.headers.get('content-encoding') ? length : null;
  const type = response.headers.get('content-type') ?? 'application/octet-stream';
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress?.({ loaded, total });
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.({ loaded, total });
    }
  }
  return { blob: new Blob(chunks as BlobPart[], { type }), name: fileNameOf(response.headers.get('content-disposition') ?? '', fallbackName), type };
}

/** Hands the browser a blob as a download under the given name. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads an authenticated export under the server's file name. */
export async function download(path: string, fallbackName: string, onProgress?: (progress: TransferProgress) => void): Promise<void> {
  const { blob, name } = await fetchFile(path, fallbackName, onProgress);
  saveBlob(blob, name);
}

/**
 * Sends a file as the raw request body with upload progress (fetch reports none, so this is
 * XMLHttpRequest), and reads the JSON answer; a refusal becomes an ApiError like any other.
 */
export function uploadFile<T>(path: string, file: Blob, contentType: string, options: { headers?: Record<string, string>; onProgress?: (progress: TransferProgress) => void; onSent?: () => void } = {}): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const headers: Record<string, string> = { accept: 'application/json', ...authHeaders(), 'content-type': contentType, ...options.headers };
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : null });
    xhr.upload.onload = () => options.onSent?.();
    xhr.onerror = () => reject(new NetworkError('upload failed'));
    xhr.onload = () => {
      const responseHeaders = new Headers();
      for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) responseHeaders.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(problemOf(xhr.status, xhr.statusText, xhr.responseText, responseHeaders));
        return;
      }
      try {
        resolve({ status: xhr.status, headers: responseHeaders, body: JSON.parse(xhr.responseText) as T });
      } catch (error) {
        reject(error as Error);
      }
    };
    xhr.send(file);
  });
}
