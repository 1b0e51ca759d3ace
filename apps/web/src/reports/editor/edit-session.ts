import { ApiError, NetworkError, randomId, request } from '../../api/client.js';
import type { Actor, BudgetRow, EvaluationItem, HistoryEntry, ReportRepresentation } from '../../api/types.js';

/**
 * What one edit command changes: `header`, `budget:<source>`, `assessment`, `indicator:<id>`,
 * `item:<id>`, `narrative:<field>` or `selfTotal`. Typing collects changes per target; each
 * target leaves as one command.
 */
export type TargetKey = string;

export interface Draft {
  changes: Record<string, unknown>;
  /** The server refused these values: wait for the user to change them before sending again. */
  refused: boolean;
}

export interface Conflict {
  currentRevision: number | null;
  by: Actor | null;
  at: string | null;
  type: string | null;
}

export interface SessionState {
  loading: boolean;
  loadError: ApiError | Error | null;
  rep: ReportRepresentation | null;
  drafts: Readonly<Record<TargetKey, Draft>>;
  /** Messages of refused values, by target and field ('' when the API named no field). */
  fieldErrors: Readonly<Record<TargetKey, Readonly<Record<string, string>>>>;
  saving: boolean;
  offline: boolean;
  conflict: Conflict | null;
  restoredDrafts: number;
  savedAt: number | null;
  /** The last save that failed for another reason than the user's input (server down, 5xx). */
  saveError: string | null;
}

const DEBOUNCE_MS = 400;
const RETRY_MS = [1000, 2000, 4000, 8000];

export class RevisionConflict extends Error {}

/** Field values as the wire wants them: an emptied text box is null, a year is a number. */
function wireValue(target: TargetKey, field: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (target === 'header' && field === 'year') return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  if (trimmed === '' ) return null;
  return value;
}

/**
 * One open report in the editor: the server's representation, the user's unsent changes on top,
 * and one queue that sends them as commands, one at a time, each with If-Match (the revision it
 * was based on) and an Idempotency-Key (so a retry after a lost answer appends nothing twice).
 * A 412 stops the queue and keeps every unsent change until the user reloads and reapplies.
 */
export class EditSession {
  private state: SessionState = { loading: true, loadError: null, rep: null, drafts: {}, fieldErrors: {}, saving: false, offline: false, conflict: null, restoredDrafts: 0, savedAt: null, saveError: null };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly reportId: string,
    private readonly storageKey: string | null,
  ) {}

  getState = (): SessionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<SessionState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  async load(): Promise<void> {
    this.closed = false;
    this.set({ loading: true, loadError: null });
    try {
      const { body } = await request<ReportRepresentation>('GET', `/reports/${encodeURIComponent(this.reportId)}`);
      const restored = this.restoreDrafts(body);
      this.set({ loading: false, rep: body, ...(restored && { drafts: restored, restoredDrafts: Object.keys(restored).length }) });
      if (restored) this.schedule(0);
    } catch (error) {
      this.set({ loading: false, loadError: error as Error });
    }
  }

  get hasUnsaved(): boolean {
    return Object.keys(this.state.drafts).length > 0;
  }

  /** A field the user typed into. */
  change(target: TargetKey, field: string, value: unknown): void {
    const previous = this.state.drafts[target];
    const drafts = { ...this.state.drafts, [target]: { changes: { ...previous?.changes, [field]: value }, refused: false } };
    const targetErrors = this.state.fieldErrors[target];
    let fieldErrors = this.state.fieldErrors;
    if (targetErrors && (field in targetErrors || '' in targetErrors)) {
      const { [field]: _dropped, '': _general, ...rest } = targetErrors;
      fieldErrors = { ...fieldErrors, [target]: rest };
    }
    this.set({ drafts, fieldErrors });
    this.persistDrafts();
    this.schedule(DEBOUNCE_MS);
  }

  /** The value to show: the user's unsent one if any, else the server's. */
  valueOf(target: TargetKey, field: string, serverValue: unknown): unknown {
    const draft = this.state.drafts[target];
    return draft && field in draft.changes ? draft.changes[field] : serverValue;
  }

  /** Sends whatever is pending now (before a submit, or when the user leaves a field). */
  flushNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.enqueue(() => this.sendDrafts());
  }

  /** A structural command (add/remove a row, attach evidence, submit…), after the pending edits. */
  async command(method: string, path: string, body: unknown, options: { dropTargets?: TargetKey[] } = {}): Promise<ReportRepresentation> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.enqueue(async () => {
      await this.sendDrafts();
      if (this.state.conflict) throw new RevisionConflict();
      const rep = await this.send(method, path, body);
      if (options.dropTargets?.length) {
        const drafts = { ...this.state.drafts };
        for (const target of options.dropTargets) delete drafts[target];
        this.set({ drafts });
        this.persistDrafts();
      }
      return rep;
    });
  }

  /** After a 412: take the server's current report and send the unsent changes on top of it. */
  async reloadAndReapply(): Promise<void> {
    await this.enqueue(async () => {
      const { body } = await request<ReportRepresentation>('GET', `/reports/${encodeURIComponent(this.reportId)}`);
      const drafts: Record<TargetKey, Draft> = {};
      // Rows removed meanwhile cannot take changes any more.
      for (const [target, draft] of Object.entries(this.state.drafts)) if (targetExists(body, target)) drafts[target] = { ...draft, refused: false };
      this.set({ rep: body, conflict: null, drafts, fieldErrors: {} });
      this.persistDrafts();
    });
    await this.flushNow();
  }

  async discardAndReload(): Promise<void> {
    this.set({ drafts: {}, fieldErrors: {}, conflict: null });
    this.persistDrafts();
    await this.load();
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.chain.then(task);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.enqueue(() => this.sendDrafts()).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 412)) this.set({ saveError: (error as Error).message || String(error) });
      });
    }, delay);
  }

  private async sendDrafts(): Promise<void> {
    for (;;) {
      if (this.closed || this.state.conflict || !this.state.rep) return;
      const entry = Object.entries(this.state.drafts).find(([, draft]) => !draft.refused);
      if (!entry) return;
      const [target, draft] = entry;
      const sent = { ...draft.changes };
      const { method, path, body } = this.commandFor(target, sent);
      try {
        await this.send(method, path, body);
      } catch (error) {
        if (error instanceof ApiError && error.status !== 412 && error.status < 500) {
          this.refuse(target, sent, error);
          continue;
        }
        throw error;
      }
      // Only what is still exactly as sent is done; anything typed meanwhile stays pending.
      const current = this.state.drafts[target];
      if (current) {
        const remaining = Object.fromEntries(Object.entries(current.changes).filter(([field, value]) => !(field in sent && sent[field] === value)));
        const drafts = { ...this.state.drafts };
        if (Object.keys(remaining).length === 0) delete drafts[target];
        else drafts[target] = { changes: remaining, refused: false };
        this.set({ drafts });
        this.persistDrafts();
      }
    }
  }

  private refuse(target: TargetKey, sent: Record<string, unknown>, error: ApiError): void {
    const messages: Record<string, string> = {};
    for (const problem of error.errors.length ? error.errors : [{ path: '', message: error.message, code: error.code }]) {
      const field = problem.path.split(/[.[\]]/).filter(Boolean).reverse().find((segment) => segment in sent) ?? '';
      messages[field] = messages[field] ? `${messages[field]}；${problem.message}` : problem.message;
    }
    const draft = this.state.drafts[target];
    this.set({
      drafts: draft ? { ...this.state.drafts, [target]: { ...draft, refused: true } } : this.state.drafts,
      fieldErrors: { ...this.state.fieldErrors, [target]: messages },
    });
  }

  private commandFor(target: TargetKey, changes: Record<string, unknown>): { method: string; path: string; body: unknown } {
    const rep = this.state.rep!;
    const base = `/reports/${encodeURIComponent(this.reportId)}`;
    const wire = Object.fromEntries(Object.entries(changes).map(([field, value]) => [field, wireValue(target, field, value)]));
    const [kind, id = ''] = splitTarget(target);
    switch (kind) {
      case 'header':
        return { method: 'PATCH', path: `${base}/header`, body: wire };
      case 'budget': {
        const row: BudgetRow = rep.report.budget[id as 'total'] ?? { initial: null, adjusted: null, executed: null, statedRate: null };
        return { method: 'PUT', path: `${base}/budget/${id}`, body: { initial: row.initial, adjusted: row.adjusted, executed: row.executed, statedRate: row.statedRate, ...wire } };
      }
      case 'assessment':
        return { method: 'PATCH', path: `${base}/budget-assessment`, body: wire };
      case 'indicator':
        return { method: 'PATCH', path: `${base}/indicators/${encodeURIComponent(id)}`, body: wire };
      case 'item': {
        const item = rep.report.evaluationItems.find((i) => i.id === id);
        const fields: Omit<EvaluationItem, 'id'> = item ? { category: item.category, maximum: item.maximum, score: item.score, justification: item.justification } : { category: '', maximum: null, score: null, justification: null };
        return { method: 'PUT', path: `${base}/evaluation-items/${encodeURIComponent(id)}`, body: { ...fields, ...wire } };
      }
      case 'narrative':
        return { method: 'PUT', path: `${base}/narrative/${id}`, body: { text: wire.text ?? null } };
      case 'selfTotal':
        return { method: 'PUT', path: `${base}/self-total`, body: { value: wire.value ?? null } };
      default:
        throw new Error(`unknown edit target ${target}`);
    }
  }

  /** One command: If-Match, Idempotency-Key, retried with the same key while the network is down. */
  private async send(method: string, path: string, body: unknown): Promise<ReportRepresentation> {
    const rep = this.state.rep;
    if (!rep) throw new Error('report not loaded');
    const key = randomId();
    this.set({ saving: true });
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const response = await request<ReportRepresentation>(method, path, { body, headers: { 'if-match': `"${rep.revision}"`, 'idempotency-key': key } });
          this.set({ rep: response.body, offline: false, savedAt: Date.now(), saveError: null });
          return response.body;
        } catch (error) {
          if (error instanceof NetworkError && attempt < RETRY_MS.length && !this.closed) {
            this.set({ offline: true });
            await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]));
            continue;
          }
          if (error instanceof ApiError && error.status === 412) await this.explainConflict(error);
          throw error;
        }
      }
    } finally {
      this.set({ saving: false });
    }
  }

  /** Who changed the report: the history entry of the revision the server now has. */
  private async explainConflict(error: ApiError): Promise<void> {
    const current = typeof error.body.currentRevision === 'number' ? error.body.currentRevision : null;
    const conflict: Conflict = { currentRevision: current, by: null, at: null, type: null };
    this.set({ conflict });
    if (current === null) return;
    try {
      const { body } = await request<{ items: HistoryEntry[] }>('GET', `/reports/${encodeURIComponent(this.reportId)}/history?page=${current + 1}&pageSize=1`);
      const entry = body.items[0];
      if (entry && this.state.conflict === conflict) this.set({ conflict: { ...conflict, by: entry.actor, at: entry.at, type: entry.type } });
    } catch {
      // the banner still explains the conflict, without the name
    }
  }

  // Unsent changes survive a closed tab or a crash: they are kept in localStorage until sent.
  private persistDrafts(): void {
    if (!this.storageKey) return;
    try {
      const pending = Object.fromEntries(Object.entries(this.state.drafts).map(([target, draft]) => [target, draft.changes]));
      if (Object.keys(pending).length === 0) localStorage.removeItem(this.storageKey);
      else localStorage.setItem(this.storageKey, JSON.stringify({ revision: this.state.rep?.revision ?? null, pending }));
    } catch {
      // storage full or unavailable: the changes still live in this page
    }
  }

  private restoreDrafts(rep: ReportRepresentation): Record<TargetKey, Draft> | null {
    if (!this.storageKey) return null;
    try {
      const raw = localStorage.getItem(this.storageKey);
      if (!raw) return null;
      const { pending } = JSON.parse(raw) as { pending: Record<string, Record<string, unknown>> };
      if (rep.status !== 'draft') return null;
      const drafts: Record<TargetKey, Draft> = {};
      for (const [target, changes] of Object.entries(pending)) if (targetExists(rep, target)) drafts[target] = { changes, refused: false };
      return Object.keys(drafts).length ? drafts : null;
    } catch {
      return null;
    }
  }
}

export function splitTarget(target: TargetKey): [string, string | undefined] {
  const at = target.indexOf(':');
  return at < 0 ? [target, undefined] : [target.slice(0, at), target.slice(at + 1)];
}

function targetExists(rep: ReportRepresentation, target: TargetKey): boolean {
  const [kind, id] = splitTarget(target);
  if (kind === 'indicator') return rep.report.indicators.some((i) => i.id === id);
  if (kind === 'item') return rep.report.evaluationItems.some((i) => i.id === id);
  return true;
}
